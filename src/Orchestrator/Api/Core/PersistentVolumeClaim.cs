using System.Collections.Immutable;

namespace Orchestrator.Api;

/// <summary>A request for storage, bound to a matching persistent volume (Kubernetes core/v1 <c>PersistentVolumeClaim</c>).</summary>
public sealed record PersistentVolumeClaim : KubernetesObject<PersistentVolumeClaimSpec, PersistentVolumeClaimStatus>
{
    /// <summary>Creates an empty <c>v1</c> PersistentVolumeClaim.</summary>
    public PersistentVolumeClaim() : base("v1", "PersistentVolumeClaim")
    {
    }

    /// <summary>True when the claim is bound to a volume.</summary>
    public bool IsBound() => Status?.Phase == PersistentVolumeClaimPhase.Bound;
}

/// <summary>The desired state of a claim (Kubernetes <c>PersistentVolumeClaimSpec</c>).</summary>
public sealed record PersistentVolumeClaimSpec
{
    /// <summary>The access modes the volume must support; at least one is required.</summary>
    public IReadOnlyList<string> AccessModes { get; init; } = [];

    /// <summary>The storage requested (<c>requests.storage</c>, required) and its limit.</summary>
    public VolumeResourceRequirements Resources { get; init; } = new();

    /// <summary>The storage class; null means the default class, empty means no class.</summary>
    public string? StorageClassName { get; init; }

    /// <summary>The volume to bind to; set by the binder once bound.</summary>
    public string? VolumeName { get; init; }

    /// <summary>Restricts the volumes that may bind by label.</summary>
    public LabelSelector? Selector { get; init; }

    /// <summary><c>Filesystem</c> or <c>Block</c>; defaults to <c>Filesystem</c>.</summary>
    public string VolumeMode { get; init; } = "Filesystem";

    /// <summary>The requested storage size, or null.</summary>
    public Quantity? RequestedStorage() =>
        Resources.Requests.TryGetValue(ResourceName.Storage, out var value) ? value : null;
}

/// <summary>The storage requested by a claim (Kubernetes <c>VolumeResourceRequirements</c>).</summary>
public sealed record VolumeResourceRequirements
{
    /// <summary>The most storage the claim may use.</summary>
    public IReadOnlyDictionary<string, Quantity> Limits { get; init; } = ImmutableDictionary<string, Quantity>.Empty;

    /// <summary>The least storage the volume must have.</summary>
    public IReadOnlyDictionary<string, Quantity> Requests { get; init; } = ImmutableDictionary<string, Quantity>.Empty;
}

/// <summary>The observed state of a claim (Kubernetes <c>PersistentVolumeClaimStatus</c>).</summary>
public sealed record PersistentVolumeClaimStatus
{
    /// <summary><c>Pending</c>, <c>Bound</c> or <c>Lost</c>; see <see cref="PersistentVolumeClaimPhase"/>.</summary>
    public string? Phase { get; init; }

    /// <summary>The access modes of the bound volume.</summary>
    public IReadOnlyList<string> AccessModes { get; init; } = [];

    /// <summary>The capacity of the bound volume.</summary>
    public IReadOnlyDictionary<string, Quantity> Capacity { get; init; } = ImmutableDictionary<string, Quantity>.Empty;

    /// <summary>Claim conditions such as <c>Resizing</c>.</summary>
    public IReadOnlyList<PersistentVolumeClaimCondition> Conditions { get; init; } = [];
}

/// <summary>A claim condition (Kubernetes <c>PersistentVolumeClaimCondition</c>).</summary>
public sealed record PersistentVolumeClaimCondition
{
    /// <summary>The condition type.</summary>
    public string Type { get; init; } = "";

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public string Status { get; init; } = ConditionStatus.Unknown;

    /// <summary>When the condition was last probed.</summary>
    public DateTimeOffset? LastProbeTime { get; init; }

    /// <summary>When <see cref="Status"/> last changed.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>A CamelCase reason.</summary>
    public string? Reason { get; init; }

    /// <summary>A human-readable explanation.</summary>
    public string? Message { get; init; }
}

/// <summary>Values of a claim's <c>status.phase</c>.</summary>
public static class PersistentVolumeClaimPhase
{
    /// <summary>Not yet bound.</summary>
    public const string Pending = "Pending";

    /// <summary>Bound to a volume.</summary>
    public const string Bound = "Bound";

    /// <summary>The bound volume no longer exists.</summary>
    public const string Lost = "Lost";
}
