using System.Collections.Immutable;

namespace Orchestrator.Api;

/// <summary>A piece of storage in the cluster (Kubernetes core/v1 <c>PersistentVolume</c>); cluster-scoped.</summary>
public sealed record PersistentVolume : KubernetesObject<PersistentVolumeSpec, PersistentVolumeStatus>
{
    /// <summary>Creates an empty <c>v1</c> PersistentVolume.</summary>
    public PersistentVolume() : base("v1", "PersistentVolume")
    {
    }
}

/// <summary>The desired state of a persistent volume (Kubernetes <c>PersistentVolumeSpec</c>).</summary>
public sealed record PersistentVolumeSpec
{
    /// <summary>The volume's size, as <c>storage</c>.</summary>
    public IReadOnlyDictionary<string, Quantity> Capacity { get; init; } = ImmutableDictionary<string, Quantity>.Empty;

    /// <summary>How the volume can be mounted; see <see cref="PersistentVolumeAccessMode"/>.</summary>
    public IReadOnlyList<string> AccessModes { get; init; } = [];

    /// <summary>What happens when the claim is released: <c>Retain</c> (the default), <c>Delete</c> or <c>Recycle</c>.</summary>
    public string PersistentVolumeReclaimPolicy { get; init; } = Api.PersistentVolumeReclaimPolicy.Retain;

    /// <summary>The storage class; only claims of the same class bind to the volume.</summary>
    public string? StorageClassName { get; init; }

    /// <summary><c>Filesystem</c> (the default) or <c>Block</c>.</summary>
    public string VolumeMode { get; init; } = "Filesystem";

    /// <summary>Mount options for the volume.</summary>
    public IReadOnlyList<string> MountOptions { get; init; } = [];

    /// <summary>The claim the volume is bound (or reserved) to.</summary>
    public ObjectReference? ClaimRef { get; init; }

    /// <summary>A directory on the node, for single-node and test clusters.</summary>
    public HostPathVolumeSource? HostPath { get; init; }

    /// <summary>A local disk of a node; requires node affinity.</summary>
    public LocalVolumeSource? Local { get; init; }

    /// <summary>The nodes the volume can be reached from.</summary>
    public VolumeNodeAffinity? NodeAffinity { get; init; }
}

/// <summary>A local disk of a node (Kubernetes <c>LocalVolumeSource</c>).</summary>
public sealed record LocalVolumeSource
{
    /// <summary>The path on the node.</summary>
    public string Path { get; init; } = "";

    /// <summary>The filesystem type.</summary>
    public string? FsType { get; init; }
}

/// <summary>The nodes a volume can be reached from (Kubernetes <c>VolumeNodeAffinity</c>).</summary>
public sealed record VolumeNodeAffinity
{
    /// <summary>Nodes must match this selector.</summary>
    public NodeSelector? Required { get; init; }
}

/// <summary>The observed state of a persistent volume (Kubernetes <c>PersistentVolumeStatus</c>).</summary>
public sealed record PersistentVolumeStatus
{
    /// <summary><c>Pending</c>, <c>Available</c>, <c>Bound</c>, <c>Released</c> or <c>Failed</c>; see <see cref="PersistentVolumePhase"/>.</summary>
    public string? Phase { get; init; }

    /// <summary>A human-readable explanation.</summary>
    public string? Message { get; init; }

    /// <summary>A CamelCase reason.</summary>
    public string? Reason { get; init; }

    /// <summary>When <see cref="Phase"/> last changed.</summary>
    public DateTimeOffset? LastPhaseTransitionTime { get; init; }
}

/// <summary>Values of a persistent volume's <c>status.phase</c>.</summary>
public static class PersistentVolumePhase
{
    /// <summary>Not yet available.</summary>
    public const string Pending = "Pending";

    /// <summary>Free, not bound to a claim.</summary>
    public const string Available = "Available";

    /// <summary>Bound to a claim.</summary>
    public const string Bound = "Bound";

    /// <summary>The claim was deleted; the volume is not yet reclaimed.</summary>
    public const string Released = "Released";

    /// <summary>Automatic reclamation failed.</summary>
    public const string Failed = "Failed";
}

/// <summary>Values of a persistent volume's <c>persistentVolumeReclaimPolicy</c>.</summary>
public static class PersistentVolumeReclaimPolicy
{
    /// <summary>Keep the volume and its data for manual reclamation (the default).</summary>
    public const string Retain = "Retain";

    /// <summary>Delete the volume.</summary>
    public const string Delete = "Delete";

    /// <summary>Scrub the data and make the volume available again (deprecated).</summary>
    public const string Recycle = "Recycle";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [Retain, Delete, Recycle];
}

/// <summary>Access modes of volumes and claims.</summary>
public static class PersistentVolumeAccessMode
{
    /// <summary>Read-write by one node.</summary>
    public const string ReadWriteOnce = "ReadWriteOnce";

    /// <summary>Read-only by many nodes.</summary>
    public const string ReadOnlyMany = "ReadOnlyMany";

    /// <summary>Read-write by many nodes.</summary>
    public const string ReadWriteMany = "ReadWriteMany";

    /// <summary>Read-write by one pod.</summary>
    public const string ReadWriteOncePod = "ReadWriteOncePod";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod];
}
