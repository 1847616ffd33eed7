using System.Text.Json;
using Orchestrator.Api;

namespace Orchestrator.Tests.Api.Workloads;

public class WorkloadHelpersTests
{
    private static IEnumerable<TestCaseData> Fenceposts()
    {
        yield return new TestCaseData((IntOrString)"25%", (IntOrString)"25%", 10, 3, 2).SetArgDisplayNames("25% of 10: surge up, unavailable down");
        yield return new TestCaseData((IntOrString)"25%", (IntOrString)"25%", 1, 1, 0).SetArgDisplayNames("25% of 1");
        yield return new TestCaseData((IntOrString)1, (IntOrString)0, 5, 1, 0).SetArgDisplayNames("absolute");
        yield return new TestCaseData((IntOrString)"0%", (IntOrString)"10%", 3, 0, 1).SetArgDisplayNames("both round to zero: unavailable 1");
        yield return new TestCaseData((IntOrString)"50%", (IntOrString)"50%", 0, 0, 1).SetArgDisplayNames("zero replicas");
    }

    [TestCaseSource(nameof(Fenceposts))]
    public void ResolveFenceposts_Limits_ResolveAsKubernetes(IntOrString maxSurge, IntOrString maxUnavailable, int replicas, int expectedSurge, int expectedUnavailable)
    {
        var rollingUpdate = new RollingUpdateDeployment { MaxSurge = maxSurge, MaxUnavailable = maxUnavailable };

        var (surge, unavailable) = rollingUpdate.ResolveFenceposts(replicas);

        Assert.That((surge, unavailable), Is.EqualTo((expectedSurge, expectedUnavailable)));
    }

    [TestCase(DeploymentStrategyType.RollingUpdate, 10, 2)]
    [TestCase(DeploymentStrategyType.RollingUpdate, 0, 0)]
    [TestCase(DeploymentStrategyType.Recreate, 10, 0)]
    public void MaxUnavailableReplicas_Strategy_CountsPodsThatMayBeDown(string strategy, int replicas, int expected)
    {
        var spec = new DeploymentSpec { Replicas = replicas, Strategy = new DeploymentStrategy { Type = strategy } };

        Assert.That(spec.MaxUnavailableReplicas(), Is.EqualTo(expected));
    }

    [Test]
    public void MaxUnavailableReplicas_AbsoluteLimitAboveReplicas_IsCappedAtReplicas()
    {
        var spec = new DeploymentSpec { Replicas = 2, Strategy = new DeploymentStrategy { RollingUpdate = new RollingUpdateDeployment { MaxUnavailable = 5 } } };

        Assert.That(spec.MaxUnavailableReplicas(), Is.EqualTo(2));
    }

    [TestCase(null, null, false, null)]
    [TestCase(JobConditionType.Complete, ConditionStatus.True, true, JobConditionType.Complete)]
    [TestCase(JobConditionType.Failed, ConditionStatus.True, true, JobConditionType.Failed)]
    [TestCase(JobConditionType.Complete, ConditionStatus.False, false, null)]
    [TestCase(JobConditionType.FailureTarget, ConditionStatus.True, false, null)]
    public void IsFinished_Conditions_OnlyTrueCompleteOrFailedFinish(string? type, string? status, bool finished, string? finishedType)
    {
        var job = new Job
        {
            Status = type is null ? null : new JobStatus { Conditions = [new JobCondition { Type = type, Status = status! }] },
        };

        Assert.That(job.IsFinished(), Is.EqualTo(finished));
        Assert.That(job.FinishedConditionType(), Is.EqualTo(finishedType));
    }

    [Test]
    public void GetCondition_DeploymentStatus_FindsByType()
    {
        var status = new DeploymentStatus
        {
            Conditions = [new DeploymentCondition { Type = DeploymentConditionType.Progressing, Status = ConditionStatus.False, Reason = "ProgressDeadlineExceeded" }],
        };

        Assert.That(status.GetCondition(DeploymentConditionType.Progressing)!.Reason, Is.EqualTo("ProgressDeadlineExceeded"));
        Assert.That(status.GetCondition(DeploymentConditionType.Available), Is.Null);
    }

    [Test]
    public void StartOrdinal_WithAndWithoutOrdinals_DefaultsToZero()
    {
        Assert.That(new StatefulSetSpec().StartOrdinal, Is.Zero);
        Assert.That(new StatefulSetSpec { Ordinals = new StatefulSetOrdinals { Start = 3 } }.StartOrdinal, Is.EqualTo(3));
    }

    private static IEnumerable<TestCaseData> SpeclessKinds()
    {
        var rule = new PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get"] };
        yield return new TestCaseData(new Role { Rules = [rule] }, new Role { Rules = [rule with { Verbs = ["list"] }] }).SetArgDisplayNames("Role");
        yield return new TestCaseData(new ClusterRole { Rules = [rule] }, new ClusterRole { Rules = [] }).SetArgDisplayNames("ClusterRole");
        yield return new TestCaseData(
            new RoleBinding { RoleRef = new RoleRef { Kind = "Role", Name = "a" } },
            new RoleBinding { RoleRef = new RoleRef { Kind = "Role", Name = "b" } }).SetArgDisplayNames("RoleBinding");
        yield return new TestCaseData(
            new ClusterRoleBinding { Subjects = [new Subject { Kind = "User", Name = "a" }] },
            new ClusterRoleBinding { Subjects = [new Subject { Kind = "User", Name = "b" }] }).SetArgDisplayNames("ClusterRoleBinding");
        yield return new TestCaseData(
            new ControllerRevision { Data = JsonDocument.Parse("{\"a\":1}").RootElement.Clone(), Revision = 1 },
            new ControllerRevision { Data = JsonDocument.Parse("{\"a\":2}").RootElement.Clone(), Revision = 1 }).SetArgDisplayNames("ControllerRevision");
    }

    [TestCaseSource(nameof(SpeclessKinds))]
    public void DesiredStateEquals_SpeclessKind_IgnoresMetadataButNotData(KubernetesObject obj, KubernetesObject changedData)
    {
        var relabeled = obj with { Metadata = new ObjectMeta { Name = "x", Labels = new Dictionary<string, string> { ["k"] = "v" } } };

        Assert.That(obj.DesiredStateEquals(relabeled), Is.True, "metadata is not desired state");
        Assert.That(obj.DesiredStateEquals(changedData), Is.False, "data is desired state");
    }
}
