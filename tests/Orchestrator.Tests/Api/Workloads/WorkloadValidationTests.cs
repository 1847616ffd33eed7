using Orchestrator.Api;
using Orchestrator.Api.Validation;

namespace Orchestrator.Tests.Api.Workloads;

public class WorkloadValidationTests
{
    private static IEnumerable<TestCaseData> ValidObjects()
    {
        yield return new TestCaseData(WorkloadFixtures.ValidDeployment).SetArgDisplayNames("Deployment");
        yield return new TestCaseData(WorkloadFixtures.ValidReplicaSet).SetArgDisplayNames("ReplicaSet");
        yield return new TestCaseData(WorkloadFixtures.ValidStatefulSet).SetArgDisplayNames("StatefulSet");
        yield return new TestCaseData(WorkloadFixtures.ValidDaemonSet).SetArgDisplayNames("DaemonSet");
        yield return new TestCaseData(WorkloadFixtures.ValidJob).SetArgDisplayNames("Job");
        yield return new TestCaseData(WorkloadFixtures.ValidCronJob).SetArgDisplayNames("CronJob");
        yield return new TestCaseData(WorkloadFixtures.ValidCronJob with { Spec = WorkloadFixtures.ValidCronJob.Spec with { TimeZone = "Europe/Paris" } })
            .SetArgDisplayNames("CronJob in a time zone");
        yield return new TestCaseData(WorkloadFixtures.ValidHpa).SetArgDisplayNames("HorizontalPodAutoscaler");
        yield return new TestCaseData(WorkloadFixtures.ValidRole).SetArgDisplayNames("Role");
        yield return new TestCaseData(WorkloadFixtures.ValidClusterRole).SetArgDisplayNames("ClusterRole");
        yield return new TestCaseData(WorkloadFixtures.ValidRoleBinding).SetArgDisplayNames("RoleBinding");
        yield return new TestCaseData(WorkloadFixtures.ValidClusterRoleBinding).SetArgDisplayNames("ClusterRoleBinding");
        yield return new TestCaseData(WorkloadFixtures.ValidRevision).SetArgDisplayNames("ControllerRevision");
    }

    [TestCaseSource(nameof(ValidObjects))]
    public void Validate_ValidDefaultedObject_ReportsNoErrors(KubernetesObject obj)
    {
        Assert.That(ObjectValidator.Validate(obj), Is.Empty);
    }

    [Test]
    public void EnsureValid_DeploymentWithMismatchedSelector_ThrowsWithKindNameAndField()
    {
        var deployment = WorkloadFixtures.ValidDeployment with { Spec = WorkloadFixtures.ValidDeployment.Spec with { Selector = new LabelSelector { MatchLabels = WorkloadFixtures.WebLabels.SetItem("app", "api") } } };

        var exception = Assert.Throws<ValidationException>(() => ObjectValidator.EnsureValid(deployment))!;

        Assert.That(exception.Message, Does.StartWith("Deployment \"web\" is invalid: spec.template.metadata.labels: Invalid value:"));
        Assert.That(exception.Errors.Select(e => e.Field), Is.EqualTo(new[] { "spec.template.metadata.labels" }));
    }
}
