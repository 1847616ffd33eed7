using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Runtime.Simulated;
using Orchestrator.Tests.Testing;

namespace Orchestrator.Tests.Controllers.ReplicaSets;

/// <summary>Workload objects for the ReplicaSet, ReplicationController and Deployment controller tests.</summary>
internal static class TestWorkloads
{
    public const string Ns = "default";

    public static IReadOnlyDictionary<string, string> Labels(string app) => ImmutableDictionary<string, string>.Empty.Add("app", app);

    /// <summary>A template of one <see cref="TestCluster.Image"/> container labelled <c>app=<paramref name="app"/></c>.</summary>
    public static PodTemplateSpec Template(string app, string image = TestCluster.Image, IReadOnlyDictionary<string, string>? annotations = null) => new()
    {
        Metadata = new ObjectMeta { Labels = Labels(app), Annotations = annotations ?? ImmutableDictionary<string, string>.Empty },
        Spec = new PodSpec { Containers = [new Container { Name = "app", Image = image }] },
    };

    /// <summary>A template whose pods run but never become ready: a readiness probe the simulated runtime fails.</summary>
    public static PodTemplateSpec NeverReadyTemplate(string app, string image = TestCluster.Image) => new()
    {
        Metadata = new ObjectMeta
        {
            Labels = Labels(app),
            Annotations = ImmutableDictionary<string, string>.Empty.Add(SimulatedAnnotations.FailReadiness, "true"),
        },
        Spec = new PodSpec
        {
            Containers =
            [
                new Container
                {
                    Name = "app",
                    Image = image,
                    ReadinessProbe = new Probe { Exec = new ExecAction { Command = ["true"] }, PeriodSeconds = 1, FailureThreshold = 1 },
                },
            ],
        },
    };

    public static ReplicaSet ReplicaSet(string name, int replicas, PodTemplateSpec? template = null, int minReadySeconds = 0) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = Ns },
        Spec = new ReplicaSetSpec
        {
            Replicas = replicas,
            MinReadySeconds = minReadySeconds,
            Selector = new LabelSelector { MatchLabels = Labels(name) },
            Template = template ?? Template(name),
        },
    };

    public static ReplicationController ReplicationController(string name, int replicas) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = Ns },
        Spec = new ReplicationControllerSpec { Replicas = replicas, Selector = Labels(name), Template = Template(name) },
    };

    /// <summary>A bare pod labelled <c>app=<paramref name="app"/></c>, for adoption tests.</summary>
    public static Pod Pod(string name, string app, PodTemplateSpec? template = null)
    {
        template ??= Template(app);
        return new Pod
        {
            Metadata = template.Metadata with { Name = name, Namespace = Ns },
            Spec = template.Spec,
        };
    }

    public static Deployment Deployment(string name, int replicas, PodTemplateSpec? template = null, DeploymentStrategy? strategy = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = Ns },
        Spec = new DeploymentSpec
        {
            Replicas = replicas,
            Selector = new LabelSelector { MatchLabels = Labels(name) },
            Template = template ?? Template(name),
            Strategy = strategy ?? new DeploymentStrategy(),
        },
    };

    public static DeploymentStrategy RollingUpdate(IntOrString maxSurge, IntOrString maxUnavailable) => new()
    {
        Type = DeploymentStrategyType.RollingUpdate,
        RollingUpdate = new RollingUpdateDeployment { MaxSurge = maxSurge, MaxUnavailable = maxUnavailable },
    };

    public static DeploymentStrategy Recreate { get; } = new() { Type = DeploymentStrategyType.Recreate };

    /// <summary>The controller reference of <paramref name="obj"/>, or null.</summary>
    public static OwnerReference? ControllerOf(KubernetesObject obj) => obj.Metadata.OwnerReferences.FirstOrDefault(r => r.Controller == true);
}
