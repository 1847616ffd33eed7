using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Scheduling;

namespace Orchestrator.Tests.Scheduling;

/// <summary>Hand-built pods, nodes and scheduling contexts for scheduler tests.</summary>
internal static class SchedulingTestData
{
    public static Node Node(
        string name,
        string cpu = "4",
        string memory = "32Gi",
        int pods = 110,
        IReadOnlyDictionary<string, string>? labels = null,
        IReadOnlyList<Taint>? taints = null,
        string ready = ConditionStatus.True,
        bool unschedulable = false,
        IReadOnlyDictionary<string, Quantity>? extra = null,
        IReadOnlyList<ContainerImage>? images = null)
    {
        var allocatable = ImmutableDictionary<string, Quantity>.Empty
            .Add(ResourceName.Cpu, Quantity.Parse(cpu))
            .Add(ResourceName.Memory, Quantity.Parse(memory))
            .Add(ResourceName.Pods, Quantity.FromUnits(pods));
        if (extra is not null) allocatable = allocatable.SetItems(extra);
        var nodeLabels = ImmutableDictionary<string, string>.Empty.Add(WellKnownLabels.Hostname, name);
        if (labels is not null) nodeLabels = nodeLabels.SetItems(labels);
        return new Node
        {
            Metadata = new ObjectMeta { Name = name, Labels = nodeLabels },
            Spec = new NodeSpec { Taints = taints ?? [], Unschedulable = unschedulable },
            Status = new NodeStatus
            {
                Allocatable = allocatable,
                Capacity = allocatable,
                Conditions = ready.Length == 0 ? [] : [new NodeCondition { Type = NodeConditionType.Ready, Status = ready }],
                Images = images ?? [],
            },
        };
    }

    public static Pod Pod(
        string name,
        string? cpu = null,
        string? memory = null,
        string ns = "default",
        IReadOnlyDictionary<string, string>? labels = null,
        string? nodeName = null,
        Affinity? affinity = null,
        IReadOnlyDictionary<string, string>? nodeSelector = null,
        IReadOnlyList<Toleration>? tolerations = null,
        IReadOnlyList<ContainerPort>? ports = null,
        int? priority = null,
        string image = "nginx:1.27",
        IReadOnlyDictionary<string, Quantity>? extraRequests = null)
    {
        var requests = ImmutableDictionary<string, Quantity>.Empty;
        if (cpu is not null) requests = requests.Add(ResourceName.Cpu, Quantity.Parse(cpu));
        if (memory is not null) requests = requests.Add(ResourceName.Memory, Quantity.Parse(memory));
        if (extraRequests is not null) requests = requests.SetItems(extraRequests);
        return new Pod
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = ns,
                Labels = labels ?? ImmutableDictionary<string, string>.Empty,
            },
            Spec = new PodSpec
            {
                NodeName = nodeName,
                Affinity = affinity,
                NodeSelector = nodeSelector ?? ImmutableDictionary<string, string>.Empty,
                Tolerations = tolerations ?? [],
                Priority = priority,
                Containers =
                [
                    new Container
                    {
                        Name = "main",
                        Image = image,
                        Ports = ports ?? [],
                        Resources = new ResourceRequirements { Requests = requests },
                    },
                ],
            },
        };
    }

    public static IReadOnlyDictionary<string, string> Labels(params string[] pairs) =>
        pairs.Select(p => p.Split('=', 2)).ToImmutableDictionary(p => p[0], p => p[1]);

    public static LabelSelector Selector(params string[] pairs) => new() { MatchLabels = Labels(pairs) };

    public static PodAffinityTerm Term(string topologyKey, params string[] matchLabels) =>
        new() { TopologyKey = topologyKey, LabelSelector = Selector(matchLabels) };

    /// <summary>A cache holding <paramref name="nodes"/> with <paramref name="pods"/> bound to their <c>spec.nodeName</c>.</summary>
    internal static SchedulerCache Cache(IEnumerable<Node> nodes, IEnumerable<Pod>? pods = null)
    {
        var cache = new SchedulerCache();
        foreach (var node in nodes) cache.AddOrUpdateNode(node);
        foreach (var pod in pods ?? []) cache.AddOrUpdatePod(pod);
        return cache;
    }

    internal static SchedulingContext Context(IEnumerable<Node> nodes, IEnumerable<Pod>? pods = null) =>
        new(Cache(nodes, pods));
}
