namespace Orchestrator.Docker.Runtime;

/// <summary>
/// Termination messages, as the kubelet does them: each container instance gets an empty, world-writable host file in
/// its sandbox directory, bind-mounted at its <c>terminationMessagePath</c>; once it has exited, the file's content (at
/// most 4096 bytes) is its message.
/// </summary>
internal static class TerminationMessageFile
{
    /// <summary>Kubernetes reads at most this much of a termination-message file.</summary>
    public const int MaxBytes = 4096;

    private const UnixFileMode EveryoneReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead |
        UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    /// <summary>Creates the empty, world-writable file a container writes its termination message to; returns its host path.</summary>
    public static string Create(string sandboxDirectory, string dockerName)
    {
        var directory = Path.Combine(sandboxDirectory, "containers", dockerName);
        SandboxDirectories.CreateDirectory(directory, SandboxDirectories.Shared);
        var file = Path.Combine(directory, "termination-log");
        File.WriteAllBytes(file, []);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, EveryoneReadWrite);
        return file;
    }

    /// <summary>The termination message in <paramref name="file"/> (at most 4096 bytes), or null when it is empty or missing.</summary>
    public static string? Read(string? file)
    {
        if (string.IsNullOrEmpty(file)) return null;
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = new byte[MaxBytes];
            var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return length == 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Removes the directory of a container's termination-message file. Idempotent.</summary>
    public static void Delete(string? file)
    {
        if (string.IsNullOrEmpty(file) || Path.GetDirectoryName(file) is not { } directory || !Directory.Exists(directory)) return;
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
