using System.Collections.Immutable;
using Orchestrator.Api;
using static Orchestrator.Tests.Api.Workloads.WorkloadFixtures;

namespace Orchestrator.Tests.Api.Workloads;

public class AppsValidationTests
{
    private static IEnumerable<TestCaseData> InvalidObjects()
    {
        const string mismatch = "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`";
        var other = new LabelSelector { MatchLabels = ImmutableDictionary<string, string>.Empty.Add("app", "other") };

        // apps/v1 Deployment
        yield return Case("deployment selector missing", ValidDeployment with { Spec = ValidDeployment.Spec with { Selector = null } }, "spec.selector: Required value");
        yield return Case("deployment selector empty", ValidDeployment with { Spec = ValidDeployment.Spec with { Selector = new LabelSelector() } },
            "spec.selector: Invalid value: {}: empty selector is invalid for deployment");
        yield return Case("deployment selector mismatch", ValidDeployment with { Spec = ValidDeployment.Spec with { Selector = other } }, mismatch);
        yield return Case("deployment selector bad operator", ValidDeployment with
        {
            Spec = ValidDeployment.Spec with
            {
                Selector = WebSelector with { MatchExpressions = [new LabelSelectorRequirement { Key = "tier", Operator = "Is", Values = ["x"] }] },
            },
        }, "spec.selector.matchExpressions[0].operator: Unsupported value: \"Is\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\"");
        yield return Case("deployment In without values", ValidDeployment with
        {
            Spec = ValidDeployment.Spec with
            {
                Selector = WebSelector with { MatchExpressions = [new LabelSelectorRequirement { Key = "tier", Operator = LabelSelectorOperator.In }] },
            },
        }, "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
        yield return Case("deployment replicas negative", ValidDeployment with { Spec = ValidDeployment.Spec with { Replicas = -1 } },
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0");
        yield return Case("deployment surge and unavailable zero", WithRollingUpdate(0, 0),
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0");
        yield return Case("deployment surge and unavailable zero percent", WithRollingUpdate("0%", "0%"),
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0%: may not be 0 when `maxSurge` is 0");
        yield return Case("deployment surge malformed", WithRollingUpdate("abc", "25%"),
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: abc: a valid percent string must be a numeric string followed by an ending '%' " +
            "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
        yield return Case("deployment surge negative", WithRollingUpdate(-1, "25%"),
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0");
        yield return Case("deployment unavailable over 100%", WithRollingUpdate(1, "110%"),
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 110%: must not be greater than 100%");
        yield return Case("deployment recreate with rollingUpdate", ValidDeployment with
        {
            Spec = ValidDeployment.Spec with { Strategy = ValidDeployment.Spec.Strategy with { Type = DeploymentStrategyType.Recreate } },
        }, "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'");
        yield return Case("deployment unknown strategy", ValidDeployment with { Spec = ValidDeployment.Spec with { Strategy = new DeploymentStrategy { Type = "BlueGreen" } } },
            "spec.strategy.type: Unsupported value: \"BlueGreen\": supported values: \"Recreate\", \"RollingUpdate\"");
        yield return Case("deployment restartPolicy Never", ValidDeployment with { Spec = ValidDeployment.Spec with { Template = Template(RestartPolicy.Never) } },
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"");
        yield return Case("deployment progress deadline not above minReadySeconds", ValidDeployment with
        {
            Spec = ValidDeployment.Spec with { MinReadySeconds = 10, ProgressDeadlineSeconds = 10 },
        }, "spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds");
        yield return Case("deployment container without image", ValidDeployment with
        {
            Spec = ValidDeployment.Spec with { Template = Template() with { Spec = Template().Spec with { Containers = [new Container { Name = "web" }] } } },
        }, "spec.template.spec.containers[0].image: Required value");
        yield return Case("deployment negative history", ValidDeployment with { Spec = ValidDeployment.Spec with { RevisionHistoryLimit = -1 } },
            "spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0");

        // apps/v1 ReplicaSet
        yield return Case("replicaset selector empty", ValidReplicaSet with { Spec = ValidReplicaSet.Spec with { Selector = new LabelSelector() } },
            "spec.selector: Invalid value: {}: empty selector is invalid for deployment");
        yield return Case("replicaset selector mismatch", ValidReplicaSet with { Spec = ValidReplicaSet.Spec with { Selector = other } }, mismatch);
        yield return Case("replicaset active deadline", ValidReplicaSet with
        {
            Spec = ValidReplicaSet.Spec with { Template = Template() with { Spec = Template().Spec with { ActiveDeadlineSeconds = 30 } } },
        }, "spec.template.spec.activeDeadlineSeconds: Invalid value: 30: activeDeadlineSeconds in ReplicaSet is not Supported");

        // apps/v1 StatefulSet
        yield return Case("statefulset selector empty", ValidStatefulSet with { Spec = ValidStatefulSet.Spec with { Selector = new LabelSelector() } },
            "spec.selector: Invalid value: {}: empty selector is invalid for statefulset");
        yield return Case("statefulset unknown pod management", ValidStatefulSet with { Spec = ValidStatefulSet.Spec with { PodManagementPolicy = "Random" } },
            "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'");
        yield return Case("statefulset negative partition", ValidStatefulSet with
        {
            Spec = ValidStatefulSet.Spec with { UpdateStrategy = new StatefulSetUpdateStrategy { RollingUpdate = new RollingUpdateStatefulSetStrategy { Partition = -1 } } },
        }, "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0");
        yield return Case("statefulset zero maxUnavailable", ValidStatefulSet with
        {
            Spec = ValidStatefulSet.Spec with { UpdateStrategy = new StatefulSetUpdateStrategy { RollingUpdate = new RollingUpdateStatefulSetStrategy { MaxUnavailable = 0 } } },
        }, "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0");
        yield return Case("statefulset OnDelete with rollingUpdate", ValidStatefulSet with
        {
            Spec = ValidStatefulSet.Spec with { UpdateStrategy = ValidStatefulSet.Spec.UpdateStrategy with { Type = StatefulSetUpdateStrategyType.OnDelete } },
        }, "spec.updateStrategy.rollingUpdate: Invalid value: {\"partition\":0}: only allowed for updateStrategy 'RollingUpdate'");
        yield return Case("statefulset unknown retention", ValidStatefulSet with
        {
            Spec = ValidStatefulSet.Spec with { PersistentVolumeClaimRetentionPolicy = new StatefulSetPersistentVolumeClaimRetentionPolicy { WhenDeleted = "Keep" } },
        }, "spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\"");
        yield return Case("statefulset negative ordinal", ValidStatefulSet with { Spec = ValidStatefulSet.Spec with { Ordinals = new StatefulSetOrdinals { Start = -1 } } },
            "spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0");
        yield return Case("statefulset unnamed claim", ValidStatefulSet with { Spec = ValidStatefulSet.Spec with { VolumeClaimTemplates = [new PersistentVolumeClaim()] } },
            "spec.volumeClaimTemplates[0].metadata.name: Required value");

        // apps/v1 DaemonSet
        yield return Case("daemonset selector empty", ValidDaemonSet with { Spec = ValidDaemonSet.Spec with { Selector = new LabelSelector() } },
            "spec.selector: Invalid value: {}: empty selector is invalid for daemonset");
        yield return Case("daemonset both zero", ValidDaemonSet with
        {
            Spec = ValidDaemonSet.Spec with { UpdateStrategy = new DaemonSetUpdateStrategy { RollingUpdate = new RollingUpdateDaemonSet { MaxUnavailable = 0, MaxSurge = 0 } } },
        }, "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0");
        yield return Case("daemonset both non-zero", ValidDaemonSet with
        {
            Spec = ValidDaemonSet.Spec with { UpdateStrategy = new DaemonSetUpdateStrategy { RollingUpdate = new RollingUpdateDaemonSet { MaxUnavailable = 1, MaxSurge = 1 } } },
        }, "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero");
        yield return Case("daemonset surge over 100%", ValidDaemonSet with
        {
            Spec = ValidDaemonSet.Spec with
            {
                UpdateStrategy = new DaemonSetUpdateStrategy { RollingUpdate = new RollingUpdateDaemonSet { MaxUnavailable = 0, MaxSurge = "200%" } },
            },
        }, "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 200%: must not be greater than 100%");
        yield return Case("daemonset active deadline", ValidDaemonSet with
        {
            Spec = ValidDaemonSet.Spec with { Template = Template() with { Spec = Template().Spec with { ActiveDeadlineSeconds = 5 } } },
        }, "spec.template.spec.activeDeadlineSeconds: Invalid value: 5: activeDeadlineSeconds must be nil for daemons");

        // apps/v1 ControllerRevision
        yield return Case("revision without data", ValidRevision with { Data = null }, "data: Required value: data is mandatory");
        yield return Case("revision negative", ValidRevision with { Revision = -1 }, "revision: Invalid value: -1: must be greater than or equal to 0");
    }

    private static Deployment WithRollingUpdate(IntOrString maxSurge, IntOrString maxUnavailable) => ValidDeployment with
    {
        Spec = ValidDeployment.Spec with
        {
            Strategy = new DeploymentStrategy { RollingUpdate = new RollingUpdateDeployment { MaxSurge = maxSurge, MaxUnavailable = maxUnavailable } },
        },
    };

    [TestCaseSource(nameof(InvalidObjects))]
    public void Validate_InvalidField_ReportsKubernetesFieldError(KubernetesObject obj, string expected)
    {
        var errors = Validate(obj);

        Assert.That(errors, Has.Member(expected), string.Join("\n", errors));
    }
}
