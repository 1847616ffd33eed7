using System.Collections.Immutable;
using System.Text.Json;
using Orchestrator.Api;
using Orchestrator.Api.Defaulting;
using Orchestrator.Api.Validation;

namespace Orchestrator.Tests.Api.Workloads;

public class WorkloadValidationTests
{
    private static readonly ImmutableDictionary<string, string> WebLabels = ImmutableDictionary<string, string>.Empty.Add("app", "web");
    private static readonly LabelSelector WebSelector = new() { MatchLabels = WebLabels };

    private static PodTemplateSpec Template(string restartPolicy = RestartPolicy.Always) => new()
    {
        Metadata = new ObjectMeta { Labels = WebLabels },
        Spec = new PodSpec { RestartPolicy = restartPolicy, Containers = [new Container { Name = "web", Image = "nginx:1.27" }] },
    };

    private static ObjectMeta Meta(string name = "web") => new() { Name = name, Namespace = "default" };

    private static Deployment Deployment => ObjectDefaulter.ApplyDefaults(new Deployment
    {
        Metadata = Meta(),
        Spec = new DeploymentSpec { Replicas = 3, Selector = WebSelector, Template = Template() },
    });

    private static ReplicaSet ReplicaSet => ObjectDefaulter.ApplyDefaults(new ReplicaSet
    {
        Metadata = Meta(),
        Spec = new ReplicaSetSpec { Selector = WebSelector, Template = Template() },
    });

    private static StatefulSet StatefulSet => ObjectDefaulter.ApplyDefaults(new StatefulSet
    {
        Metadata = Meta(),
        Spec = new StatefulSetSpec
        {
            Selector = WebSelector,
            Template = Template(),
            ServiceName = "web",
            VolumeClaimTemplates = [new PersistentVolumeClaim { Metadata = new ObjectMeta { Name = "data" } }],
        },
    });

    private static DaemonSet DaemonSet => ObjectDefaulter.ApplyDefaults(new DaemonSet
    {
        Metadata = Meta(),
        Spec = new DaemonSetSpec { Selector = WebSelector, Template = Template() },
    });

    private static Job Job => ObjectDefaulter.ApplyDefaults(new Job
    {
        Metadata = Meta() with { Uid = "0b9e-uid" },
        Spec = new JobSpec { Template = Template(RestartPolicy.Never) },
    });

    private static CronJob CronJob => ObjectDefaulter.ApplyDefaults(new CronJob
    {
        Metadata = Meta(),
        Spec = new CronJobSpec { Schedule = "*/5 * * * *", JobTemplate = new JobTemplateSpec { Spec = new JobSpec { Template = Template(RestartPolicy.OnFailure) } } },
    });

    private static HorizontalPodAutoscaler Hpa => ObjectDefaulter.ApplyDefaults(new HorizontalPodAutoscaler
    {
        Metadata = Meta(),
        Spec = new HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web" },
            MaxReplicas = 10,
            Behavior = new HorizontalPodAutoscalerBehavior(),
        },
    });

    private static readonly PolicyRule ReadPods = new() { ApiGroups = [""], Resources = ["pods"], Verbs = ["get", "list"] };

    private static Role Role => new() { Metadata = Meta("reader"), Rules = [ReadPods] };

    private static ClusterRole ClusterRole => new() { Metadata = new ObjectMeta { Name = "reader" }, Rules = [ReadPods] };

    private static RoleBinding RoleBinding => ObjectDefaulter.ApplyDefaults(new RoleBinding
    {
        Metadata = Meta("read-pods"),
        RoleRef = new RoleRef { Kind = "Role", Name = "reader" },
        Subjects = [new Subject { Kind = SubjectKind.User, Name = "jane" }, new Subject { Kind = SubjectKind.ServiceAccount, Name = "default" }],
    });

    private static ClusterRoleBinding ClusterRoleBinding => ObjectDefaulter.ApplyDefaults(new ClusterRoleBinding
    {
        Metadata = new ObjectMeta { Name = "read-pods" },
        RoleRef = new RoleRef { Kind = "ClusterRole", Name = "reader" },
        Subjects = [new Subject { Kind = SubjectKind.ServiceAccount, Name = "default", Namespace = "kube-system" }],
    });

    private static ControllerRevision Revision => new()
    {
        Metadata = Meta("web-1"),
        Data = JsonDocument.Parse("""{"spec":{}}""").RootElement.Clone(),
        Revision = 1,
    };

    private static IEnumerable<TestCaseData> ValidObjects()
    {
        yield return new TestCaseData(Deployment).SetArgDisplayNames("Deployment");
        yield return new TestCaseData(ReplicaSet).SetArgDisplayNames("ReplicaSet");
        yield return new TestCaseData(StatefulSet).SetArgDisplayNames("StatefulSet");
        yield return new TestCaseData(DaemonSet).SetArgDisplayNames("DaemonSet");
        yield return new TestCaseData(Job).SetArgDisplayNames("Job");
        yield return new TestCaseData(CronJob).SetArgDisplayNames("CronJob");
        yield return new TestCaseData(Hpa).SetArgDisplayNames("HorizontalPodAutoscaler");
        yield return new TestCaseData(Role).SetArgDisplayNames("Role");
        yield return new TestCaseData(ClusterRole).SetArgDisplayNames("ClusterRole");
        yield return new TestCaseData(RoleBinding).SetArgDisplayNames("RoleBinding");
        yield return new TestCaseData(ClusterRoleBinding).SetArgDisplayNames("ClusterRoleBinding");
        yield return new TestCaseData(Revision).SetArgDisplayNames("ControllerRevision");
    }

    [TestCaseSource(nameof(ValidObjects))]
    public void Validate_ValidDefaultedObject_ReportsNoErrors(KubernetesObject obj)
    {
        Assert.That(ObjectValidator.Validate(obj), Is.Empty);
    }

    private static TestCaseData Case(string name, KubernetesObject obj, string expected) =>
        new TestCaseData(obj, expected).SetArgDisplayNames(name);

    private static Deployment WithRollingUpdate(IntOrString maxSurge, IntOrString maxUnavailable) => Deployment with
    {
        Spec = Deployment.Spec with
        {
            Strategy = new DeploymentStrategy { RollingUpdate = new RollingUpdateDeployment { MaxSurge = maxSurge, MaxUnavailable = maxUnavailable } },
        },
    };

    private static IEnumerable<TestCaseData> InvalidObjects()
    {
        const string mismatch = "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`";
        var other = new LabelSelector { MatchLabels = ImmutableDictionary<string, string>.Empty.Add("app", "other") };

        // apps/v1 Deployment
        yield return Case("deployment selector missing", Deployment with { Spec = Deployment.Spec with { Selector = null } }, "spec.selector: Required value");
        yield return Case("deployment selector empty", Deployment with { Spec = Deployment.Spec with { Selector = new LabelSelector() } },
            "spec.selector: Invalid value: {}: empty selector is invalid for deployment");
        yield return Case("deployment selector mismatch", Deployment with { Spec = Deployment.Spec with { Selector = other } }, mismatch);
        yield return Case("deployment selector bad operator", Deployment with
        {
            Spec = Deployment.Spec with
            {
                Selector = WebSelector with { MatchExpressions = [new LabelSelectorRequirement { Key = "tier", Operator = "Is", Values = ["x"] }] },
            },
        }, "spec.selector.matchExpressions[0].operator: Invalid value: \"Is\": not a valid selector operator");
        yield return Case("deployment In without values", Deployment with
        {
            Spec = Deployment.Spec with
            {
                Selector = WebSelector with { MatchExpressions = [new LabelSelectorRequirement { Key = "tier", Operator = LabelSelectorOperator.In }] },
            },
        }, "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
        yield return Case("deployment replicas negative", Deployment with { Spec = Deployment.Spec with { Replicas = -1 } },
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
        yield return Case("deployment recreate with rollingUpdate", Deployment with
        {
            Spec = Deployment.Spec with { Strategy = Deployment.Spec.Strategy with { Type = DeploymentStrategyType.Recreate } },
        }, "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'");
        yield return Case("deployment unknown strategy", Deployment with { Spec = Deployment.Spec with { Strategy = new DeploymentStrategy { Type = "BlueGreen" } } },
            "spec.strategy.type: Unsupported value: \"BlueGreen\": supported values: \"Recreate\", \"RollingUpdate\"");
        yield return Case("deployment restartPolicy Never", Deployment with { Spec = Deployment.Spec with { Template = Template(RestartPolicy.Never) } },
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"");
        yield return Case("deployment progress deadline not above minReadySeconds", Deployment with
        {
            Spec = Deployment.Spec with { MinReadySeconds = 10, ProgressDeadlineSeconds = 10 },
        }, "spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds");
        yield return Case("deployment negative history", Deployment with { Spec = Deployment.Spec with { RevisionHistoryLimit = -1 } },
            "spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0");

        // apps/v1 ReplicaSet
        yield return Case("replicaset selector empty", ReplicaSet with { Spec = ReplicaSet.Spec with { Selector = new LabelSelector() } },
            "spec.selector: Invalid value: {}: empty selector is invalid for deployment");
        yield return Case("replicaset selector mismatch", ReplicaSet with { Spec = ReplicaSet.Spec with { Selector = other } }, mismatch);
        yield return Case("replicaset active deadline", ReplicaSet with
        {
            Spec = ReplicaSet.Spec with { Template = Template() with { Spec = Template().Spec with { ActiveDeadlineSeconds = 30 } } },
        }, "spec.template.spec.activeDeadlineSeconds: Invalid value: 30: activeDeadlineSeconds in ReplicaSet is not Supported");

        // apps/v1 StatefulSet
        yield return Case("statefulset selector empty", StatefulSet with { Spec = StatefulSet.Spec with { Selector = new LabelSelector() } },
            "spec.selector: Invalid value: {}: empty selector is invalid for statefulset");
        yield return Case("statefulset unknown pod management", StatefulSet with { Spec = StatefulSet.Spec with { PodManagementPolicy = "Random" } },
            "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'");
        yield return Case("statefulset negative partition", StatefulSet with
        {
            Spec = StatefulSet.Spec with { UpdateStrategy = new StatefulSetUpdateStrategy { RollingUpdate = new RollingUpdateStatefulSetStrategy { Partition = -1 } } },
        }, "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0");
        yield return Case("statefulset zero maxUnavailable", StatefulSet with
        {
            Spec = StatefulSet.Spec with { UpdateStrategy = new StatefulSetUpdateStrategy { RollingUpdate = new RollingUpdateStatefulSetStrategy { MaxUnavailable = 0 } } },
        }, "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0");
        yield return Case("statefulset OnDelete with rollingUpdate", StatefulSet with
        {
            Spec = StatefulSet.Spec with { UpdateStrategy = StatefulSet.Spec.UpdateStrategy with { Type = StatefulSetUpdateStrategyType.OnDelete } },
        }, "spec.updateStrategy.rollingUpdate: Invalid value: {\"partition\":0}: only allowed for updateStrategy 'RollingUpdate'");
        yield return Case("statefulset unknown retention", StatefulSet with
        {
            Spec = StatefulSet.Spec with { PersistentVolumeClaimRetentionPolicy = new StatefulSetPersistentVolumeClaimRetentionPolicy { WhenDeleted = "Keep" } },
        }, "spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\"");
        yield return Case("statefulset negative ordinal", StatefulSet with { Spec = StatefulSet.Spec with { Ordinals = new StatefulSetOrdinals { Start = -1 } } },
            "spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0");
        yield return Case("statefulset unnamed claim", StatefulSet with { Spec = StatefulSet.Spec with { VolumeClaimTemplates = [new PersistentVolumeClaim()] } },
            "spec.volumeClaimTemplates[0].metadata.name: Required value");

        // apps/v1 DaemonSet
        yield return Case("daemonset selector empty", DaemonSet with { Spec = DaemonSet.Spec with { Selector = new LabelSelector() } },
            "spec.selector: Invalid value: {}: empty selector is invalid for daemonset");
        yield return Case("daemonset both zero", DaemonSet with
        {
            Spec = DaemonSet.Spec with { UpdateStrategy = new DaemonSetUpdateStrategy { RollingUpdate = new RollingUpdateDaemonSet { MaxUnavailable = 0, MaxSurge = 0 } } },
        }, "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0");
        yield return Case("daemonset both non-zero", DaemonSet with
        {
            Spec = DaemonSet.Spec with { UpdateStrategy = new DaemonSetUpdateStrategy { RollingUpdate = new RollingUpdateDaemonSet { MaxUnavailable = 1, MaxSurge = 1 } } },
        }, "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero");
        yield return Case("daemonset surge over 100%", DaemonSet with
        {
            Spec = DaemonSet.Spec with
            {
                UpdateStrategy = new DaemonSetUpdateStrategy { RollingUpdate = new RollingUpdateDaemonSet { MaxUnavailable = 0, MaxSurge = "200%" } },
            },
        }, "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 200%: must not be greater than 100%");
        yield return Case("daemonset active deadline", DaemonSet with
        {
            Spec = DaemonSet.Spec with { Template = Template() with { Spec = Template().Spec with { ActiveDeadlineSeconds = 5 } } },
        }, "spec.template.spec.activeDeadlineSeconds: Invalid value: 5: activeDeadlineSeconds must be nil for daemons");

        // batch/v1 Job
        yield return Case("job restartPolicy Always", Job with { Spec = Job.Spec with { Template = Job.Spec.Template with { Spec = Template().Spec } } },
            "spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"");
        yield return Case("job negative parallelism", Job with { Spec = Job.Spec with { Parallelism = -1 } },
            "spec.parallelism: Invalid value: -1: must be greater than or equal to 0");
        yield return Case("job negative completions", Job with { Spec = Job.Spec with { Completions = -2 } },
            "spec.completions: Invalid value: -2: must be greater than or equal to 0");
        yield return Case("job negative backoff", Job with { Spec = Job.Spec with { BackoffLimit = -1 } },
            "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0");
        yield return Case("job indexed without completions", Job with { Spec = Job.Spec with { CompletionMode = JobCompletionMode.Indexed, Completions = null } },
            "spec.completions: Required value: when completion mode is Indexed");
        yield return Case("job unknown completion mode", Job with { Spec = Job.Spec with { CompletionMode = "Sometimes" } },
            "spec.completionMode: Unsupported value: \"Sometimes\": supported values: \"NonIndexed\", \"Indexed\"");
        yield return Case("job manual selector missing", Job with { Spec = Job.Spec with { ManualSelector = true, Selector = null } },
            "spec.selector: Required value");
        yield return Case("job manual selector mismatch", Job with { Spec = Job.Spec with { ManualSelector = true, Selector = other } },
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\", \"batch.kubernetes.io/controller-uid\":\"0b9e-uid\", " +
            "\"batch.kubernetes.io/job-name\":\"web\", \"controller-uid\":\"0b9e-uid\", \"job-name\":\"web\"}: `selector` does not match template `labels`");
        yield return Case("job selector not generated", Job with { Spec = Job.Spec with { Selector = WebSelector } },
            "spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"web\"}}: `selector` not auto-generated");
        yield return Case("job pod failure policy with OnFailure", Job with
        {
            Spec = Job.Spec with { PodFailurePolicy = new PodFailurePolicy(), Template = Job.Spec.Template with { Spec = Template(RestartPolicy.OnFailure).Spec } },
        }, "spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is supported when podFailurePolicy is specified");

        // batch/v1 CronJob
        yield return Case("cronjob schedule missing", CronJob with { Spec = CronJob.Spec with { Schedule = "" } }, "spec.schedule: Required value");
        yield return Case("cronjob TZ in schedule", CronJob with { Spec = CronJob.Spec with { Schedule = "CRON_TZ=UTC 0 * * * *" } },
            "spec.schedule: Invalid value: \"CRON_TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
        yield return Case("cronjob unknown time zone", CronJob with { Spec = CronJob.Spec with { TimeZone = "Mars/Olympus_Mons" } },
            "spec.timeZone: Invalid value: \"Mars/Olympus_Mons\": unknown time zone Mars/Olympus_Mons");
        yield return Case("cronjob local time zone", CronJob with { Spec = CronJob.Spec with { TimeZone = "Local" } },
            "spec.timeZone: Invalid value: \"Local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones");
        yield return Case("cronjob unknown concurrency", CronJob with { Spec = CronJob.Spec with { ConcurrencyPolicy = "Sometimes" } },
            "spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\"");
        yield return Case("cronjob negative history", CronJob with { Spec = CronJob.Spec with { SuccessfulJobsHistoryLimit = -1 } },
            "spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0");
        yield return Case("cronjob template restartPolicy Always", CronJob with
        {
            Spec = CronJob.Spec with { JobTemplate = new JobTemplateSpec { Spec = new JobSpec { Template = Template() } } },
        }, "spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"");
        yield return Case("cronjob template selector", CronJob with
        {
            Spec = CronJob.Spec with { JobTemplate = CronJob.Spec.JobTemplate with { Spec = CronJob.Spec.JobTemplate.Spec with { Selector = WebSelector } } },
        }, "spec.jobTemplate.spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"web\"}}: `selector` will be auto-generated");
        yield return Case("cronjob name too long", CronJob with { Metadata = Meta(new string('a', 53)) },
            $"metadata.name: Invalid value: \"{new string('a', 53)}\": must be no more than 52 characters");

        // autoscaling/v2 HorizontalPodAutoscaler
        yield return Case("hpa min replicas zero", Hpa with { Spec = Hpa.Spec with { MinReplicas = 0 } },
            "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1");
        yield return Case("hpa max replicas zero", Hpa with { Spec = Hpa.Spec with { MaxReplicas = 0 } },
            "spec.maxReplicas: Invalid value: 0: must be greater than 0");
        yield return Case("hpa max below min", Hpa with { Spec = Hpa.Spec with { MinReplicas = 5, MaxReplicas = 3 } },
            "spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`");
        yield return Case("hpa target kind missing", Hpa with { Spec = Hpa.Spec with { ScaleTargetRef = Hpa.Spec.ScaleTargetRef with { Kind = "" } } },
            "spec.scaleTargetRef.kind: Required value");
        yield return Case("hpa unknown metric type", Hpa with { Spec = Hpa.Spec with { Metrics = [new MetricSpec { Type = "Magic" }] } },
            "spec.metrics[0].type: Unsupported value: \"Magic\": supported values: \"ContainerResource\", \"External\", \"Object\", \"Pods\", \"Resource\"");
        yield return Case("hpa resource source missing", Hpa with { Spec = Hpa.Spec with { Metrics = [new MetricSpec { Type = MetricSourceType.Resource }] } },
            "spec.metrics[0].resource: Required value: must populate information for the given metric source");
        yield return Case("hpa two sources", Hpa with
        {
            Spec = Hpa.Spec with { Metrics = [Hpa.Spec.Metrics[0] with { Pods = new PodsMetricSource() }] },
        }, "spec.metrics[0].pods: Forbidden: must populate the given metric source only");
        yield return Case("hpa zero utilization", Hpa with
        {
            Spec = Hpa.Spec with { Metrics = [ResourceMetric(new MetricTarget { Type = MetricTargetType.Utilization, AverageUtilization = 0 })] },
        }, "spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0");
        yield return Case("hpa unknown target type", Hpa with
        {
            Spec = Hpa.Spec with { Metrics = [ResourceMetric(new MetricTarget { Type = "Percent", AverageUtilization = 50 })] },
        }, "spec.metrics[0].resource.target.type: Invalid value: \"Percent\": must be either Utilization, Value, or AverageValue");
        yield return Case("hpa resource target without value", Hpa with
        {
            Spec = Hpa.Spec with { Metrics = [ResourceMetric(new MetricTarget { Type = MetricTargetType.Utilization })] },
        }, "spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization");
        yield return Case("hpa negative average value", Hpa with
        {
            Spec = Hpa.Spec with { Metrics = [ResourceMetric(new MetricTarget { Type = MetricTargetType.AverageValue, AverageValue = Quantity.Parse("-100m") })] },
        }, "spec.metrics[0].resource.target.averageValue: Invalid value: -100m: must be positive");
        yield return Case("hpa zero policy value", Hpa with
        {
            Spec = Hpa.Spec with
            {
                Behavior = Hpa.Spec.Behavior! with { ScaleUp = Hpa.Spec.Behavior.ScaleUp! with { Policies = [new HpaScalingPolicy { Type = "Pods", Value = 0, PeriodSeconds = 15 }] } },
            },
        }, "spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero");
        yield return Case("hpa long stabilization", Hpa with
        {
            Spec = Hpa.Spec with { Behavior = Hpa.Spec.Behavior! with { ScaleDown = Hpa.Spec.Behavior.ScaleDown! with { StabilizationWindowSeconds = 4000 } } },
        }, "spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600");
        yield return Case("hpa unknown select policy", Hpa with
        {
            Spec = Hpa.Spec with { Behavior = Hpa.Spec.Behavior! with { ScaleDown = Hpa.Spec.Behavior.ScaleDown! with { SelectPolicy = "Avg" } } },
        }, "spec.behavior.scaleDown.selectPolicy: Unsupported value: \"Avg\": supported values: \"Disabled\", \"Max\", \"Min\"");

        // rbac.authorization.k8s.io/v1
        yield return Case("role rule without verbs", Role with { Rules = [ReadPods with { Verbs = [] }] },
            "rules[0].verbs: Required value: verbs must contain at least one value");
        yield return Case("role non-resource URL", Role with { Rules = [new PolicyRule { NonResourceURLs = ["/healthz"], Verbs = ["get"] }] },
            "rules[0].nonResourceURLs: Invalid value: []string{\"/healthz\"}: namespaced rules cannot apply to non-resource URLs");
        yield return Case("clusterrole rule without api groups", ClusterRole with { Rules = [ReadPods with { ApiGroups = [] }] },
            "rules[0].apiGroups: Required value: resource rules must supply at least one api group");
        yield return Case("clusterrole rule without resources", ClusterRole with { Rules = [ReadPods with { Resources = [] }] },
            "rules[0].resources: Required value: resource rules must supply at least one resource");
        yield return Case("clusterrole mixed rule", ClusterRole with { Rules = [ReadPods with { NonResourceURLs = ["/metrics"] }] },
            "rules[0].nonResourceURLs: Invalid value: []string{\"/metrics\"}: rules cannot apply to both regular resources and non-resource URLs");
        yield return Case("clusterrole empty aggregation", ClusterRole with { AggregationRule = new AggregationRule() },
            "aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil");
        yield return Case("rolebinding roleRef name missing", RoleBinding with { RoleRef = RoleBinding.RoleRef with { Name = "" } },
            "roleRef.name: Required value");
        yield return Case("rolebinding roleRef kind", RoleBinding with { RoleRef = RoleBinding.RoleRef with { Kind = "User" } },
            "roleRef.kind: Unsupported value: \"User\": supported values: \"Role\", \"ClusterRole\"");
        yield return Case("rolebinding roleRef group", RoleBinding with { RoleRef = RoleBinding.RoleRef with { ApiGroup = "example.com" } },
            "roleRef.apiGroup: Unsupported value: \"example.com\": supported values: \"rbac.authorization.k8s.io\"");
        yield return Case("rolebinding unknown subject kind", RoleBinding with { Subjects = [new Subject { Kind = "Robot", Name = "r2" }] },
            "subjects[0].kind: Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\"");
        yield return Case("rolebinding user without group", RoleBinding with { Subjects = [new Subject { Kind = SubjectKind.User, Name = "jane" }] },
            "subjects[0].apiGroup: Unsupported value: \"\": supported values: \"rbac.authorization.k8s.io\"");
        yield return Case("rolebinding subject name missing", RoleBinding with { Subjects = [new Subject { Kind = SubjectKind.ServiceAccount }] },
            "subjects[0].name: Required value");
        yield return Case("clusterrolebinding to role", ClusterRoleBinding with { RoleRef = ClusterRoleBinding.RoleRef with { Kind = "Role" } },
            "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"");
        yield return Case("clusterrolebinding service account without namespace", ClusterRoleBinding with
        {
            Subjects = [new Subject { Kind = SubjectKind.ServiceAccount, Name = "default" }],
        }, "subjects[0].namespace: Required value");

        // apps/v1 ControllerRevision
        yield return Case("revision without data", Revision with { Data = null }, "data: Required value: data is mandatory");
        yield return Case("revision negative", Revision with { Revision = -1 }, "revision: Invalid value: -1: must be greater than or equal to 0");
    }

    private static MetricSpec ResourceMetric(MetricTarget target) =>
        new() { Type = MetricSourceType.Resource, Resource = new ResourceMetricSource { Name = "cpu", Target = target } };

    [TestCaseSource(nameof(InvalidObjects))]
    public void Validate_InvalidField_ReportsKubernetesFieldError(KubernetesObject obj, string expected)
    {
        var errors = ObjectValidator.Validate(obj).Select(e => e.ToString()).ToList();

        Assert.That(errors, Has.Member(expected), string.Join("\n", errors));
    }

    [Test]
    public void EnsureValid_DeploymentWithMismatchedSelector_ThrowsWithKindNameAndField()
    {
        var deployment = Deployment with { Spec = Deployment.Spec with { Selector = new LabelSelector { MatchLabels = WebLabels.SetItem("app", "api") } } };

        var exception = Assert.Throws<ValidationException>(() => ObjectValidator.EnsureValid(deployment))!;

        Assert.That(exception.Message, Does.StartWith("Deployment \"web\" is invalid: spec.template.metadata.labels: Invalid value:"));
        Assert.That(exception.Errors.Select(e => e.Field), Is.EqualTo(new[] { "spec.template.metadata.labels" }));
    }
}
