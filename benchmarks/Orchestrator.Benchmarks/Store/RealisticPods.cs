using System.Collections.Immutable;
using System.Globalization;
using Orchestrator.Api;

namespace Orchestrator.Benchmarks.Store;

/// <summary>
/// Pods as a Deployment on a real cluster produces them, with every object built separately (as if each had been read
/// from JSON): labels, annotations, an owner reference, one container with ports, resources, env, a probe and a volume
/// mount, and a Running status with conditions and a container status. Strings that differ per pod on a real cluster
/// (name, uid, IPs, container id) are unique; the others are shared literals, as interned field values would be.
/// </summary>
internal static class RealisticPods
{
    public const int Apps = 10;
    public const int Namespaces = 10;
    public const int Nodes = 100;

    public static string Namespace(int i) => $"team-{i % Namespaces}";

    public static string App(int i) => $"app-{i / Namespaces % Apps}";

    public static string NodeName(int i) => $"node-{i % Nodes:D3}";

    public static Pod Create(int i)
    {
        var app = App(i);
        var hash = $"{(uint)(i % 37 * 2654435761):x8}"[..8];
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
                    KeyValuePair.Create("tier", i % 3 == 0 ? "frontend" : "backend"),
                ]),
                Annotations = ImmutableDictionary.CreateRange(StringComparer.Ordinal,
                [
                    KeyValuePair.Create("kubernetes.io/config.seen", started.ToString("O", CultureInfo.InvariantCulture)),
                    KeyValuePair.Create("prometheus.io/scrape", "true"),
                ]),
                OwnerReferences =
                [
                    new OwnerReference
                    {
                        ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = $"{app}-{hash}", Uid = $"6f1c{i % 37:D4}-2a4b-4c3d-9e8f-0a1b2c3d4e5f",
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
