using System.Collections.Immutable;
using System.Text.Json;
using Orchestrator.Api;
using Orchestrator.Api.Defaulting;
using Orchestrator.Api.Validation;

namespace Orchestrator.Tests.Api.Workloads;

/// <summary>Valid, defaulted workload objects that validation tests change one field of.</summary>
internal static class WorkloadFixtures
{
    public static readonly ImmutableDictionary<string, string> WebLabels = ImmutableDictionary<string, string>.Empty.Add("app", "web");
    public static readonly LabelSelector WebSelector = new() { MatchLabels = WebLabels };

    public static PodTemplateSpec Template(string restartPolicy = RestartPolicy.Always) => new()
    {
        Metadata = new ObjectMeta { Labels = WebLabels },
        Spec = new PodSpec { RestartPolicy = restartPolicy, Containers = [new Container { Name = "web", Image = "nginx:1.27" }] },
    };

    public static ObjectMeta Meta(string name = "web") => new() { Name = name, Namespace = "default" };

    public static Deployment ValidDeployment => ObjectDefaulter.ApplyDefaults(new Deployment
    {
        Metadata = Meta(),
        Spec = new DeploymentSpec { Replicas = 3, Selector = WebSelector, Template = Template() },
    });

    public static ReplicaSet ValidReplicaSet => ObjectDefaulter.ApplyDefaults(new ReplicaSet
    {
        Metadata = Meta(),
        Spec = new ReplicaSetSpec { Selector = WebSelector, Template = Template() },
    });

    public static StatefulSet ValidStatefulSet => ObjectDefaulter.ApplyDefaults(new StatefulSet
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

    public static DaemonSet ValidDaemonSet => ObjectDefaulter.ApplyDefaults(new DaemonSet
    {
        Metadata = Meta(),
        Spec = new DaemonSetSpec { Selector = WebSelector, Template = Template() },
    });

    public static Job ValidJob => ObjectDefaulter.ApplyDefaults(new Job
    {
        Metadata = Meta() with { Uid = "0b9e-uid" },
        Spec = new JobSpec { Template = Template(RestartPolicy.Never) },
    });

    public static CronJob ValidCronJob => ObjectDefaulter.ApplyDefaults(new CronJob
    {
        Metadata = Meta(),
        Spec = new CronJobSpec { Schedule = "*/5 * * * *", JobTemplate = new JobTemplateSpec { Spec = new JobSpec { Template = Template(RestartPolicy.OnFailure) } } },
    });

    public static HorizontalPodAutoscaler ValidHpa => ObjectDefaulter.ApplyDefaults(new HorizontalPodAutoscaler
    {
        Metadata = Meta(),
        Spec = new HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web" },
            MaxReplicas = 10,
            Behavior = new HorizontalPodAutoscalerBehavior(),
        },
    });

    public static readonly PolicyRule ReadPods = new() { ApiGroups = [""], Resources = ["pods"], Verbs = ["get", "list"] };

    public static Role ValidRole => new() { Metadata = Meta("reader"), Rules = [ReadPods] };

    public static ClusterRole ValidClusterRole => new() { Metadata = new ObjectMeta { Name = "reader" }, Rules = [ReadPods] };

    public static RoleBinding ValidRoleBinding => ObjectDefaulter.ApplyDefaults(new RoleBinding
    {
        Metadata = Meta("read-pods"),
        RoleRef = new RoleRef { Kind = "Role", Name = "reader" },
        Subjects = [new Subject { Kind = SubjectKind.User, Name = "jane" }, new Subject { Kind = SubjectKind.ServiceAccount, Name = "default" }],
    });

    public static ClusterRoleBinding ValidClusterRoleBinding => ObjectDefaulter.ApplyDefaults(new ClusterRoleBinding
    {
        Metadata = new ObjectMeta { Name = "read-pods" },
        RoleRef = new RoleRef { Kind = "ClusterRole", Name = "reader" },
        Subjects = [new Subject { Kind = SubjectKind.ServiceAccount, Name = "default", Namespace = "kube-system" }],
    });

    public static ControllerRevision ValidRevision => new()
    {
        Metadata = Meta("web-1"),
        Data = JsonDocument.Parse("""{"spec":{}}""").RootElement.Clone(),
        Revision = 1,
    };

    public static TestCaseData Case(string name, KubernetesObject obj, string expected) =>
        new TestCaseData(obj, expected).SetArgDisplayNames(name);

    public static IReadOnlyList<string> Validate(KubernetesObject obj) => ObjectValidator.Validate(obj).Select(e => e.ToString()).ToList();
}
