using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Runtime;

/// <summary>
/// The host directories of one sandbox and the volumes materialised in them. Layout, under the runtime's data directory
/// (already specific to the cluster id and node): <c>pods/&lt;uid&gt;_&lt;attempt&gt;_&lt;random&gt;/volumes/&lt;name&gt;</c> for
/// emptyDir and file volumes, <c>.../containers/&lt;container&gt;/termination-log</c> for termination messages; Secret
/// volumes and memory emptyDirs go to the same layout under the memory data directory. The sandbox directory is
/// private to the owner (0700); the volume directories inside are what containers see (emptyDir 0777, file volumes 0755
/// with each file's own mode).
/// </summary>
/// <remarks>
/// Bind mounts name paths of the engine's machine, so these directories work with engines on the machine the
/// orchestrator runs on (the default socket, or a second local engine); see <see cref="Hosting.DockerRuntimeOptions.DataDirectory"/>.
/// File contents may be secret: nothing here logs them or puts them in exception messages.
/// </remarks>
internal static class SandboxDirectories
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    internal const UnixFileMode Shared = Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode Everyone = Shared | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>
    /// Creates the directories of a new sandbox and materialises its volumes. On failure, removes what it created and
    /// throws <see cref="ContainerRuntimeException"/> naming the volume (never its contents).
    /// </summary>
    public static SandboxLayout Create(DockerRuntimeSettings settings, PodSandboxConfig config)
    {
        var key = $"{Safe(config.PodUid)}_{config.Attempt}_{Guid.NewGuid().ToString("N")[..8]}";
        var directory = Path.Combine(settings.DataDirectory, "pods", key);
        var needsMemory = config.Volumes.Any(v => v.Sensitive || (v.Kind == RuntimeVolumeKind.EmptyDir && v.Medium == "Memory"));
        var memoryDirectory = needsMemory ? Path.Combine(settings.MemoryDataDirectory, "pods", key) : null;
        var volumes = new Dictionary<string, SandboxVolume>(StringComparer.Ordinal);
        try
        {
            CreateDirectory(directory, Private);
            if (memoryDirectory is not null) CreateDirectory(memoryDirectory, Private);
            foreach (var volume in config.Volumes)
            {
                try
                {
                    volumes[volume.Name] = Materialize(volume, directory, memoryDirectory);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
                {
                    throw new ContainerRuntimeException($"volume \"{volume.Name}\": {e.Message}", e);
                }
            }
        }
        catch
        {
            Delete(directory, memoryDirectory);
            throw;
        }
        return new SandboxLayout(directory, memoryDirectory, volumes);
    }

    /// <summary>Removes a sandbox's directories (never host paths or persistent volumes, which live elsewhere). Idempotent.</summary>
    public static void Delete(string? directory, string? memoryDirectory)
    {
        foreach (var path in new[] { directory, memoryDirectory })
        {
            if (string.IsNullOrEmpty(path) || !Directory.Exists(path)) continue;
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }

    /// <summary>
    /// The bind (<c>source:target[:ro]</c>) for a container mount. A subPath is resolved inside the volume (created as a
    /// directory when missing, as the kubelet does) and may not leave it.
    /// </summary>
    /// <exception cref="ContainerRuntimeException">The subPath leaves the volume, or a path cannot be expressed as a bind.</exception>
    public static string Bind(string volumeName, SandboxVolume volume, ContainerMount mount)
    {
        var source = volume.Path;
        if (mount.SubPath is { Length: > 0 } subPath)
        {
            var segments = subPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (Path.IsPathRooted(subPath) || segments.Any(s => s == ".."))
            {
                throw new ContainerRuntimeException($"subPath \"{subPath}\" of volume \"{volumeName}\" must be a relative path inside the volume");
            }
            source = Path.Combine([source, .. segments]);
            if (!File.Exists(source) && !Directory.Exists(source))
            {
                try
                {
                    CreateDirectory(source, volume.Managed ? Everyone : Shared);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new ContainerRuntimeException($"subPath \"{subPath}\" of volume \"{volumeName}\": {e.Message}", e);
                }
            }
        }
        return BindOf(source, mount.ContainerPath, mount.ReadOnly || volume.ReadOnly);
    }

    /// <summary>The bind of a host path at a container path.</summary>
    public static string BindOf(string source, string target, bool readOnly)
    {
        if (source.Contains(':') || target.Contains(':'))
        {
            throw new ContainerRuntimeException($"cannot mount \"{source}\" at \"{target}\": Docker binds do not allow ':' in paths");
        }
        return readOnly ? $"{source}:{target}:ro" : $"{source}:{target}";
    }

    /// <summary>The sandbox volumes as a label value.</summary>
    public static string ToLabel(IReadOnlyDictionary<string, SandboxVolume> volumes) =>
        JsonSerializer.Serialize(volumes, SandboxVolumeJsonContext.Default.IReadOnlyDictionaryStringSandboxVolume);

    /// <summary>The sandbox volumes from a label value; empty when absent or unreadable.</summary>
    public static IReadOnlyDictionary<string, SandboxVolume> FromLabel(string? label)
    {
        if (string.IsNullOrEmpty(label)) return new Dictionary<string, SandboxVolume>();
        try
        {
            return JsonSerializer.Deserialize(label, SandboxVolumeJsonContext.Default.IReadOnlyDictionaryStringSandboxVolume)
                ?? new Dictionary<string, SandboxVolume>();
        }
        catch (JsonException)
        {
            return new Dictionary<string, SandboxVolume>();
        }
    }

    private static SandboxVolume Materialize(RuntimeVolume volume, string directory, string? memoryDirectory)
    {
        var name = Safe(volume.Name);
        switch (volume.Kind)
        {
            case RuntimeVolumeKind.EmptyDir:
            {
                var root = volume.Medium == "Memory" ? memoryDirectory! : directory;
                var path = Path.Combine(root, "volumes", name);
                CreateDirectory(path, Everyone);
                return new SandboxVolume(path, volume.ReadOnly, Managed: true);
            }
            case RuntimeVolumeKind.Files:
            {
                var root = volume.Sensitive ? memoryDirectory! : directory;
                var path = Path.Combine(root, "volumes", name);
                CreateDirectory(path, Shared);
                foreach (var file in volume.Files) WriteFile(path, file);
                return new SandboxVolume(path, true, Managed: true);
            }
            case RuntimeVolumeKind.HostPath:
            {
                var path = volume.HostPath ?? throw new ArgumentException("hostPath volume without a path");
                CheckHostPath(path, volume.HostPathType);
                return new SandboxVolume(path, volume.ReadOnly, Managed: false);
            }
            case RuntimeVolumeKind.Persistent:
            {
                var path = volume.HostPath ?? throw new ArgumentException("persistent volume without a path");
                if (!Directory.Exists(path)) CreateDirectory(path, Everyone);
                return new SandboxVolume(path, volume.ReadOnly, Managed: false);
            }
            default:
                throw new ArgumentException($"volume kind {volume.Kind} is not supported by the Docker runtime");
        }
    }

    private static void WriteFile(string root, VolumeFile file)
    {
        var segments = file.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || Path.IsPathRooted(file.Path) || segments.Any(s => s is ".." or "."))
        {
            throw new ArgumentException($"file path \"{file.Path}\" must be relative and stay inside the volume");
        }
        var path = Path.Combine([root, .. segments]);
        var parent = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(parent)) CreateDirectory(parent, Shared);
        var mode = (UnixFileMode)(file.Mode & 0x1FF);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        // Created private first, so content is never readable by others between creation and the final chmod.
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options))
        {
            stream.Write(file.Content.Span);
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, mode);
    }

    private static void CheckHostPath(string path, string? type)
    {
        switch (type)
        {
            case null or "":
                return;
            case "DirectoryOrCreate":
                if (!Directory.Exists(path)) CreateDirectory(path, Shared);
                return;
            case "FileOrCreate":
                if (!File.Exists(path))
                {
                    if (Path.GetDirectoryName(path) is { } parent && !Directory.Exists(parent)) CreateDirectory(parent, Shared);
                    File.WriteAllBytes(path, []);
                    if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                }
                return;
            case "Directory":
                if (!Directory.Exists(path)) throw new ArgumentException($"hostPath type check failed: {path} is not a directory");
                return;
            case "File":
                if (!File.Exists(path)) throw new ArgumentException($"hostPath type check failed: {path} is not a file");
                return;
            case "Socket" or "CharDevice" or "BlockDevice":
                if (!File.Exists(path) && !Directory.Exists(path)) throw new ArgumentException($"hostPath type check failed: {path} does not exist");
                return;
            default:
                throw new ArgumentException($"hostPath type \"{type}\" is not supported");
        }
    }

    internal static void CreateDirectory(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, mode);
        File.SetUnixFileMode(path, mode); // the umask narrowed it
    }

    private static string Safe(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] is not ('-' or '.' or '_')) chars[i] = '-';
        }
        var result = new string(chars);
        return result is "" or "." or ".." ? "_" : result;
    }
}

/// <summary>The directories of one sandbox and where each of its volumes is on the host.</summary>
/// <param name="Directory">The sandbox directory.</param>
/// <param name="MemoryDirectory">The sandbox's directory on the memory file system, when it has in-memory volumes.</param>
/// <param name="Volumes">The volumes by name.</param>
internal sealed record SandboxLayout(string Directory, string? MemoryDirectory, IReadOnlyDictionary<string, SandboxVolume> Volumes);

/// <summary>Where a sandbox volume is on the host.</summary>
/// <param name="Path">The host path containers bind.</param>
/// <param name="ReadOnly">Always mounted read-only.</param>
/// <param name="Managed">Created by the runtime inside the sandbox directory (removed with the sandbox).</param>
internal sealed record SandboxVolume(string Path, bool ReadOnly, bool Managed);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyDictionary<string, SandboxVolume>))]
internal sealed partial class SandboxVolumeJsonContext : JsonSerializerContext;
