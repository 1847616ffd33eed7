using System.Collections.Immutable;
using System.Globalization;
using Orchestrator.Api;
using Orchestrator.Api.Defaulting;

namespace Orchestrator.Benchmarks.Store;

/// <summary>
/// Realistic running pods of ten Deployments: labels, annotations, an owner reference, one container with ports,
/// resources, env, a probe and a volume mount, and a Running status with conditions and a container status.
/// <see cref="Create"/> builds them as this process's ReplicaSet controller, scheduler and node agent do: the pod shares
/// its template's labels, annotations and containers, and gets its own metadata, spec (the scheduler sets
/// <c>nodeName</c> with a <c>with</c> copy) and status. <see cref="CreateUnshared"/> builds every part of every pod
/// separately (strings that differ per pod on a real cluster are unique; other strings are shared literals).
/// </summary>
internal static class RealisticPods
{
    // As stored by the API (defaulted), like the templates of stored Deployments and ReplicaSets.
    private static readonly Pod[] Templates = Enumerable.Range(0, Apps).Select(a => ObjectDefaulter.ApplyDefaults(CreateUnshared(a * Namespaces))).ToArray();

    public const int Apps = 10;
    public const int Namespaces = 10;
    public const int Nodes = 100;

    public static string Namespace(int i) => $"team-{i % Namespaces}";

    public static string App(int i) => $"app-{i / Namespaces % Apps}";

    public static string NodeName(int i) => $"node-{i % Nodes:D3}";

    public static Pod Create(int i)
    {
        var template = Templates[i / Namespaces % Apps];
        var unique = CreateUnshared(i);
        return unique with
        {
            Metadata = unique.Metadata with
            {
                Labels = template.Metadata.Labels,
                Annotations = template.Metadata.Annotations,
            },
            Spec = template.Spec with { NodeName = unique.Spec.NodeName },
        };
    }

    public static Pod CreateUnshared(int i)
    {
        var app = App(i);
        var hash = $"{(uint)(i / Namespaces % Apps * 2654435761):x8}"[..8];
        var name = $"{app}-{hash}-{i:D6}";
        var started = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(i % 3600);
        var node = NodeName(i);
        return new Pod
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = Namespace(i),
                Labels = ImmutableDictionary.CreateRange(StringComparer.Ordinal,
                [
                    KeyValuePair.Create("app", app),
                    KeyValuePair.Create("pod-template-hash", hash),
                    KeyValuePair.Create("tier", i / Namespaces % Apps % 3 == 0 ? "frontend" : "backend"),
                ]),
                Annotations = ImmutableDictionary.CreateRange(StringComparer.Ordinal,
                [
                    KeyValuePair.Create("kubectl.kubernetes.io/restartedAt", "2026-01-01T00:00:00Z"),
                    KeyValuePair.Create("prometheus.io/scrape", "true"),
                ]),
                OwnerReferences =
                [
                    new OwnerReference
                    {
                        ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = $"{app}-{hash}", Uid = $"6f1c{i / Namespaces % Apps:D4}-2a4b-4c3d-9e8f-0a1b2c3d4e5f",
                        Controller = true, BlockOwnerDeletion = true,
                    },
                ],
            },
            Spec = new PodSpec
            {
                NodeName = node,
                ServiceAccountName = "default",
                Containers =
                [
                    new Container
                    {
                        Name = app,
                        Image = $"registry.example.com/{app}:1.4.2",
                        Ports = [new ContainerPort { Name = "http", Port = 8080 }],
                        Env =
                        [
                            new EnvVar { Name = "LOG_LEVEL", Value = "info" },
                            new EnvVar { Name = "APP_NAME", Value = app },
                        ],
                        Resources = new ResourceRequirements
                        {
                            Requests = ImmutableDictionary.CreateRange([KeyValuePair.Create("cpu", Quantity.Parse("100m")), KeyValuePair.Create("memory", Quantity.Parse("128Mi"))]),
                            Limits = ImmutableDictionary.CreateRange([KeyValuePair.Create("memory", Quantity.Parse("256Mi"))]),
                        },
                        ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/healthz", Port = 8080 }, PeriodSeconds = 5 },
                        VolumeMounts = [new VolumeMount { Name = "config", MountPath = "/etc/app" }],
                    },
                ],
                Volumes = [new Volume { Name = "config", ConfigMap = new ConfigMapVolumeSource { Name = $"{app}-config" } }],
            },
            Status = new PodStatus
            {
                Phase = PodPhase.Running,
                HostIP = $"10.0.{i % Nodes / 256}.{i % Nodes % 256}",
                PodIP = $"10.{16 + i / 65536}.{i / 256 % 256}.{i % 256}",
                StartTime = started,
                QosClass = "Burstable",
                Conditions =
                [
                    Condition(PodConditionType.Initialized, started),
                    Condition(PodConditionType.Ready, started.AddSeconds(3)),
                    Condition(PodConditionType.ContainersReady, started.AddSeconds(3)),
                    Condition(PodConditionType.PodScheduled, started),
                ],
                ContainerStatuses =
                [
                    new ContainerStatus
                    {
                        Name = app,
                        Ready = true,
                        Started = true,
                        Image = $"registry.example.com/{app}:1.4.2",
                        ImageID = $"registry.example.com/{app}@sha256:4c1e9a3b",
                        ContainerID = $"containerd://{i:x12}{i:x12}",
                        State = new ContainerState { Running = new ContainerStateRunning { StartedAt = started.AddSeconds(1) } },
                    },
                ],
            },
        };
    }

    private static PodCondition Condition(string type, DateTimeOffset at) =>
        new() { Type = type, Status = ConditionStatus.True, LastTransitionTime = at };
}
