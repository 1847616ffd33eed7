using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>
/// A named volume of a pod (Kubernetes <c>Volume</c>): a name plus exactly one source.
/// </summary>
public sealed record Volume
{
    /// <summary>The volume name: a DNS-1123 label, unique within the pod; volume mounts refer to it.</summary>
    public string Name { get; init; } = "";

    /// <summary>A scratch directory that lives as long as the pod.</summary>
    public EmptyDirVolumeSource? EmptyDir { get; init; }

    /// <summary>A file or directory of the node.</summary>
    public HostPathVolumeSource? HostPath { get; init; }

    /// <summary>The keys of a ConfigMap as files.</summary>
    public ConfigMapVolumeSource? ConfigMap { get; init; }

    /// <summary>The keys of a Secret as files.</summary>
    public SecretVolumeSource? Secret { get; init; }

    /// <summary>The volume bound to a PersistentVolumeClaim.</summary>
    public PersistentVolumeClaimVolumeSource? PersistentVolumeClaim { get; init; }

    /// <summary>Several ConfigMaps, Secrets, downward API items and tokens merged into one directory.</summary>
    public ProjectedVolumeSource? Projected { get; init; }

    /// <summary>Pod fields as files.</summary>
    public DownwardApiVolumeSource? DownwardAPI { get; init; }

    /// <summary>How many sources are set; a valid volume has exactly one.</summary>
    internal int SourceCount =>
        (EmptyDir is null ? 0 : 1) + (HostPath is null ? 0 : 1) + (ConfigMap is null ? 0 : 1) + (Secret is null ? 0 : 1) +
        (PersistentVolumeClaim is null ? 0 : 1) + (Projected is null ? 0 : 1) + (DownwardAPI is null ? 0 : 1);
}

/// <summary>A scratch directory (Kubernetes <c>EmptyDirVolumeSource</c>).</summary>
public sealed record EmptyDirVolumeSource
{
    /// <summary>Empty for the node's default medium, or <c>Memory</c> for a tmpfs.</summary>
    public string? Medium { get; init; }

    /// <summary>The most the directory may hold.</summary>
    public Quantity? SizeLimit { get; init; }
}

/// <summary>A path on the node (Kubernetes <c>HostPathVolumeSource</c>).</summary>
public sealed record HostPathVolumeSource
{
    /// <summary>The path on the node.</summary>
    public string Path { get; init; } = "";

    /// <summary>What must exist at the path: empty (no check), <c>DirectoryOrCreate</c>, <c>Directory</c>, <c>FileOrCreate</c>, <c>File</c>, <c>Socket</c>, ...</summary>
    public string? Type { get; init; }
}

/// <summary>Maps one key to a file path in a volume (Kubernetes <c>KeyToPath</c>).</summary>
public sealed record KeyToPath
{
    /// <summary>The key.</summary>
    public string Key { get; init; } = "";

    /// <summary>The relative file path; may not contain <c>..</c>.</summary>
    public string Path { get; init; } = "";

    /// <summary>The file mode bits (0-0777); the volume's default mode when unset.</summary>
    public int? Mode { get; init; }
}

/// <summary>A ConfigMap as files (Kubernetes <c>ConfigMapVolumeSource</c>).</summary>
public sealed record ConfigMapVolumeSource
{
    /// <summary>The ConfigMap in the pod's namespace.</summary>
    public string Name { get; init; } = "";

    /// <summary>The keys to project; every key, each as a file named like it, when empty.</summary>
    public IReadOnlyList<KeyToPath> Items { get; init; } = [];

    /// <summary>The mode bits of the files; defaults to 0644 (420).</summary>
    public int? DefaultMode { get; init; }

    /// <summary>When true, a missing ConfigMap or key is not an error.</summary>
    public bool? Optional { get; init; }
}

/// <summary>A Secret as files (Kubernetes <c>SecretVolumeSource</c>).</summary>
public sealed record SecretVolumeSource
{
    /// <summary>The Secret in the pod's namespace.</summary>
    public string? SecretName { get; init; }

    /// <summary>The keys to project; every key when empty.</summary>
    public IReadOnlyList<KeyToPath> Items { get; init; } = [];

    /// <summary>The mode bits of the files; defaults to 0644 (420).</summary>
    public int? DefaultMode { get; init; }

    /// <summary>When true, a missing Secret or key is not an error.</summary>
    public bool? Optional { get; init; }
}

/// <summary>A PersistentVolumeClaim as a volume (Kubernetes <c>PersistentVolumeClaimVolumeSource</c>).</summary>
public sealed record PersistentVolumeClaimVolumeSource
{
    /// <summary>The claim in the pod's namespace.</summary>
    public string ClaimName { get; init; } = "";

    /// <summary>Mount read-only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ReadOnly { get; init; }
}

/// <summary>Several sources merged into one directory (Kubernetes <c>ProjectedVolumeSource</c>).</summary>
public sealed record ProjectedVolumeSource
{
    /// <summary>The sources, each contributing files.</summary>
    public IReadOnlyList<VolumeProjection> Sources { get; init; } = [];

    /// <summary>The mode bits of the files; defaults to 0644 (420).</summary>
    public int? DefaultMode { get; init; }
}

/// <summary>One source of a projected volume (Kubernetes <c>VolumeProjection</c>); exactly one member is set.</summary>
public sealed record VolumeProjection
{
    /// <summary>Keys of a ConfigMap.</summary>
    public ConfigMapProjection? ConfigMap { get; init; }

    /// <summary>Keys of a Secret.</summary>
    public SecretProjection? Secret { get; init; }

    /// <summary>Pod fields.</summary>
    public DownwardApiProjection? DownwardAPI { get; init; }

    /// <summary>A service account token.</summary>
    public ServiceAccountTokenProjection? ServiceAccountToken { get; init; }
}

/// <summary>Keys of a ConfigMap in a projected volume (Kubernetes <c>ConfigMapProjection</c>).</summary>
public sealed record ConfigMapProjection
{
    /// <summary>The ConfigMap in the pod's namespace.</summary>
    public string Name { get; init; } = "";

    /// <summary>The keys to project; every key when empty.</summary>
    public IReadOnlyList<KeyToPath> Items { get; init; } = [];

    /// <summary>When true, a missing ConfigMap or key is not an error.</summary>
    public bool? Optional { get; init; }
}

/// <summary>Keys of a Secret in a projected volume (Kubernetes <c>SecretProjection</c>).</summary>
public sealed record SecretProjection
{
    /// <summary>The Secret in the pod's namespace.</summary>
    public string Name { get; init; } = "";

    /// <summary>The keys to project; every key when empty.</summary>
    public IReadOnlyList<KeyToPath> Items { get; init; } = [];

    /// <summary>When true, a missing Secret or key is not an error.</summary>
    public bool? Optional { get; init; }
}

/// <summary>Pod fields in a projected volume (Kubernetes <c>DownwardAPIProjection</c>).</summary>
public sealed record DownwardApiProjection
{
    /// <summary>The files to write.</summary>
    public IReadOnlyList<DownwardApiVolumeFile> Items { get; init; } = [];
}

/// <summary>A service account token in a projected volume (Kubernetes <c>ServiceAccountTokenProjection</c>).</summary>
public sealed record ServiceAccountTokenProjection
{
    /// <summary>The intended audience of the token.</summary>
    public string? Audience { get; init; }

    /// <summary>The requested lifetime of the token; defaults to one hour.</summary>
    public long? ExpirationSeconds { get; init; }

    /// <summary>The file path of the token.</summary>
    public string Path { get; init; } = "";
}

/// <summary>Pod fields as files (Kubernetes <c>DownwardAPIVolumeSource</c>).</summary>
public sealed record DownwardApiVolumeSource
{
    /// <summary>The files to write.</summary>
    public IReadOnlyList<DownwardApiVolumeFile> Items { get; init; } = [];

    /// <summary>The mode bits of the files; defaults to 0644 (420).</summary>
    public int? DefaultMode { get; init; }
}

/// <summary>One file of a downward API volume (Kubernetes <c>DownwardAPIVolumeFile</c>).</summary>
public sealed record DownwardApiVolumeFile
{
    /// <summary>The relative file path.</summary>
    public string Path { get; init; } = "";

    /// <summary>A pod field: <c>metadata.name</c>, <c>metadata.namespace</c>, <c>metadata.labels</c>, ...</summary>
    public ObjectFieldSelector? FieldRef { get; init; }

    /// <summary>A container resource limit or request.</summary>
    public ResourceFieldSelector? ResourceFieldRef { get; init; }

    /// <summary>The file mode bits; the volume's default mode when unset.</summary>
    public int? Mode { get; init; }
}
