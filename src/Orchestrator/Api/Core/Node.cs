using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>A machine that runs pods (Kubernetes core/v1 <c>Node</c>); cluster-scoped.</summary>
/// <remarks>Field selectors: <c>spec.unschedulable</c> (<c>true</c>/<c>false</c>) besides the metadata fields.</remarks>
public sealed record Node : KubernetesObject<NodeSpec, NodeStatus>
{
    /// <summary>Creates an empty <c>v1</c> Node.</summary>
    public Node() : base("v1", "Node")
    {
    }

    /// <summary>True when the node's <c>Ready</c> condition is <c>True</c>.</summary>
    public bool IsReady() => Status?.GetCondition(NodeConditionType.Ready)?.Status == ConditionStatus.True;

    /// <inheritdoc/>
    public override string? GetFieldValue(string fieldPath) => fieldPath switch
    {
        "spec.unschedulable" => Spec.Unschedulable ? "true" : "false",
        _ => base.GetFieldValue(fieldPath),
    };
}

/// <summary>The desired state of a node (Kubernetes <c>NodeSpec</c>).</summary>
public sealed record NodeSpec
{
    /// <summary>The pod IP range of the node.</summary>
    public string? PodCIDR { get; init; }

    /// <summary>Every pod IP range of the node.</summary>
    public IReadOnlyList<string> PodCIDRs { get; init; } = [];

    /// <summary>When true (cordoned), the scheduler places no new pods on the node.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Unschedulable { get; init; }

    /// <summary>Taints that repel pods that do not tolerate them.</summary>
    public IReadOnlyList<Taint> Taints { get; init; } = [];

    /// <summary>The provider's ID of the machine, <c>provider://id</c>.</summary>
    public string? ProviderID { get; init; }
}

/// <summary>A taint on a node (Kubernetes <c>Taint</c>).</summary>
public sealed record Taint
{
    /// <summary>The taint key; required.</summary>
    public string Key { get; init; } = "";

    /// <summary>The taint value.</summary>
    public string? Value { get; init; }

    /// <summary><c>NoSchedule</c>, <c>PreferNoSchedule</c> or <c>NoExecute</c>; see <see cref="TaintEffect"/>.</summary>
    public string Effect { get; init; } = "";

    /// <summary>When a <c>NoExecute</c> taint was added.</summary>
    public DateTimeOffset? TimeAdded { get; init; }
}

/// <summary>The observed state of a node (Kubernetes <c>NodeStatus</c>), written by its node agent.</summary>
public sealed record NodeStatus
{
    /// <summary>The node's total resources, by resource name (<c>cpu</c>, <c>memory</c>, <c>pods</c>, ...).</summary>
    public IReadOnlyDictionary<string, Quantity> Capacity { get; init; } = ImmutableDictionary<string, Quantity>.Empty;

    /// <summary>The resources available to pods, by resource name; what the scheduler fits pods into.</summary>
    public IReadOnlyDictionary<string, Quantity> Allocatable { get; init; } = ImmutableDictionary<string, Quantity>.Empty;

    /// <summary>Deprecated node phase.</summary>
    public string? Phase { get; init; }

    /// <summary>The node's conditions, at most one per type.</summary>
    public IReadOnlyList<NodeCondition> Conditions { get; init; } = [];

    /// <summary>Addresses by which the node is reachable.</summary>
    public IReadOnlyList<NodeAddress> Addresses { get; init; } = [];

    /// <summary>The ports the node agent listens on.</summary>
    public NodeDaemonEndpoints? DaemonEndpoints { get; init; }

    /// <summary>Versions and platform of the node.</summary>
    public NodeSystemInfo? NodeInfo { get; init; }

    /// <summary>Images present on the node.</summary>
    public IReadOnlyList<ContainerImage> Images { get; init; } = [];

    /// <summary>The condition of type <paramref name="type"/>, or null.</summary>
    public NodeCondition? GetCondition(string type)
    {
        foreach (var condition in Conditions)
        {
            if (condition.Type == type) return condition;
        }
        return null;
    }
}

/// <summary>One condition of a node (Kubernetes <c>NodeCondition</c>).</summary>
public sealed record NodeCondition
{
    /// <summary>The condition type, for example <c>Ready</c>; see <see cref="NodeConditionType"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>; see <see cref="ConditionStatus"/>.</summary>
    public string Status { get; init; } = ConditionStatus.Unknown;

    /// <summary>When the node agent last reported the condition.</summary>
    public DateTimeOffset? LastHeartbeatTime { get; init; }

    /// <summary>When <see cref="Status"/> last changed.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>A CamelCase reason for the last transition, for example <c>KubeletReady</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>A human-readable explanation of the last transition.</summary>
    public string? Message { get; init; }
}

/// <summary>A node address (Kubernetes <c>NodeAddress</c>).</summary>
public sealed record NodeAddress
{
    /// <summary><c>Hostname</c>, <c>InternalIP</c> or <c>ExternalIP</c>; see <see cref="NodeAddressType"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary>The address.</summary>
    public string Address { get; init; } = "";
}

/// <summary>The ports the node agent listens on (Kubernetes <c>NodeDaemonEndpoints</c>).</summary>
public sealed record NodeDaemonEndpoints
{
    /// <summary>The node agent's endpoint.</summary>
    public DaemonEndpoint? KubeletEndpoint { get; init; }
}

/// <summary>A daemon port (Kubernetes <c>DaemonEndpoint</c>).</summary>
public sealed record DaemonEndpoint
{
    /// <summary>The port number.</summary>
    [JsonPropertyName("Port")]
    public int Port { get; init; }
}

/// <summary>Versions and platform of a node (Kubernetes <c>NodeSystemInfo</c>).</summary>
public sealed record NodeSystemInfo
{
    /// <summary>The machine ID.</summary>
    public string MachineID { get; init; } = "";

    /// <summary>The system UUID.</summary>
    public string SystemUUID { get; init; } = "";

    /// <summary>The boot ID; changes on every reboot.</summary>
    public string BootID { get; init; } = "";

    /// <summary>The kernel version.</summary>
    public string KernelVersion { get; init; } = "";

    /// <summary>The operating system image, for example <c>Ubuntu 24.04</c>.</summary>
    public string OsImage { get; init; } = "";

    /// <summary>The container runtime and version, <c>runtime://version</c>.</summary>
    public string ContainerRuntimeVersion { get; init; } = "";

    /// <summary>The node agent's version.</summary>
    public string KubeletVersion { get; init; } = "";

    /// <summary>The proxy's version (deprecated).</summary>
    public string KubeProxyVersion { get; init; } = "";

    /// <summary>The operating system, for example <c>linux</c>.</summary>
    public string OperatingSystem { get; init; } = "";

    /// <summary>The architecture, for example <c>amd64</c>.</summary>
    public string Architecture { get; init; } = "";
}

/// <summary>An image present on a node (Kubernetes <c>ContainerImage</c>).</summary>
public sealed record ContainerImage
{
    /// <summary>The names (tags and digests) of the image.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>The image size.</summary>
    public long? SizeBytes { get; init; }
}
