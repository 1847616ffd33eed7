namespace Orchestrator.Runtime;

/// <summary>How a <see cref="RuntimeVolume"/> is backed.</summary>
public enum RuntimeVolumeKind
{
    /// <summary>An empty directory created with the sandbox and removed with it (<c>emptyDir</c>).</summary>
    EmptyDir,

    /// <summary>An existing path of the node (<c>hostPath</c>); never created or removed by the runtime beyond <see cref="RuntimeVolume.HostPathType"/>.</summary>
    HostPath,

    /// <summary>
    /// A directory holding exactly <see cref="RuntimeVolume.Files"/> (ConfigMap, Secret, downward API and projected
    /// volumes), written when the sandbox is created and removed with it.
    /// </summary>
    Files,

    /// <summary>
    /// A host directory that outlives the pod (a PersistentVolumeClaim bound to a hostPath PersistentVolume); the runtime
    /// creates it if missing and never removes it.
    /// </summary>
    Persistent,
}

/// <summary>A pod volume resolved to data the runtime can materialise.</summary>
public sealed record RuntimeVolume
{
    /// <summary>The volume name from the pod spec; unique within the sandbox.</summary>
    public required string Name { get; init; }

    /// <summary>How the volume is backed.</summary>
    public required RuntimeVolumeKind Kind { get; init; }

    /// <summary>The node path, for <see cref="RuntimeVolumeKind.HostPath"/> and <see cref="RuntimeVolumeKind.Persistent"/>.</summary>
    public string? HostPath { get; init; }

    /// <summary>The hostPath type (<c>DirectoryOrCreate</c>, <c>Directory</c>, <c>FileOrCreate</c>, ...); null for no check.</summary>
    public string? HostPathType { get; init; }

    /// <summary>For <see cref="RuntimeVolumeKind.EmptyDir"/>: <c>Memory</c> for a tmpfs, null for disk.</summary>
    public string? Medium { get; init; }

    /// <summary>For <see cref="RuntimeVolumeKind.EmptyDir"/>: the most it may hold, in bytes.</summary>
    public long? SizeLimitBytes { get; init; }

    /// <summary>For <see cref="RuntimeVolumeKind.Files"/>: the files, with relative paths, contents and modes.</summary>
    public IReadOnlyList<VolumeFile> Files { get; init; } = [];

    /// <summary>
    /// True when the content came from a Secret: the runtime keeps it off persistent disk where it can (tmpfs), makes
    /// the host directory readable by its owner only, and never logs it.
    /// </summary>
    public bool Sensitive { get; init; }

    /// <summary>Mount read-only regardless of the container mount (ConfigMap, Secret and read-only claims).</summary>
    public bool ReadOnly { get; init; }

    /// <inheritdoc/>
    /// <remarks>Never prints file contents.</remarks>
    public override string ToString() => $"volume {Name} ({Kind}, {Files.Count} files)";
}

/// <summary>One file of a <see cref="RuntimeVolumeKind.Files"/> volume.</summary>
/// <param name="Path">The relative path inside the volume, using <c>/</c>; never contains <c>..</c>.</param>
/// <param name="Content">The bytes.</param>
/// <param name="Mode">The permission bits, for example <c>0644</c> (decimal 420).</param>
public sealed record VolumeFile(string Path, ReadOnlyMemory<byte> Content, int Mode)
{
    /// <inheritdoc/>
    /// <remarks>Never prints the content.</remarks>
    public override string ToString() => $"{Path} ({Content.Length} bytes, mode {Convert.ToString(Mode, 8)})";
}
