using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orchestrator.Docker.Engine;
using Orchestrator.Docker.Hosting;

namespace Orchestrator.Testing;

/// <summary>
/// Remembers the Docker-backed test sessions of this machine, so that what a crashed test process left behind is removed
/// by the next session that starts: each session labels everything it creates on the engines with its own cluster id
/// (<c>orchtest-{session}</c>, see <see cref="DockerRuntimeOptions.ClusterId"/>) and writes a small file naming that id,
/// its engines and its process. At start, a session removes the containers, networks and pod directories of every
/// recorded session whose process is gone, then deletes its file.
/// </summary>
/// <remarks>
/// Files live in <c>{temp}/orchestrator-testing/sessions</c>. A session's file is deleted when the session ends
/// normally. Two processes reaping at once each claim a file exclusively before purging it.
/// </remarks>
internal static class SessionRegistry
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The folder of the session files; overridable for tests.</summary>
    internal static string Directory { get; set; } = Path.Combine(Path.GetTempPath(), "orchestrator-testing", "sessions");

    /// <summary>Records a session of the current process.</summary>
    public static string Register(string sessionId, string clusterId, IReadOnlyList<DockerHostOptions> hosts)
    {
        System.IO.Directory.CreateDirectory(Directory);
        using var self = Process.GetCurrentProcess();
        var record = new SessionRecord(sessionId, clusterId, Environment.ProcessId, StartTicks(self) ?? 0,
            [.. hosts.Select(h => new HostRecord(h.Name, h.Endpoint.Host, h.Endpoint.TlsCertificatePath, h.Endpoint.TlsVerify, h.Endpoint.ConfigDirectory))]);
        var path = Path.Combine(Directory, $"{sessionId}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(record, Json));
        return path;
    }

    /// <summary>Forgets a session that ended normally.</summary>
    public static void Unregister(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Removes everything of recorded sessions whose process has exited; returns how many were reaped.</summary>
    public static async Task<int> ReapAsync(ILogger logger, CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory)) return 0;
        var reaped = 0;
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            FileStream claim;
            try
            {
                claim = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                continue; // Another process is reaping it, or its owner is writing it.
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            await using (claim.ConfigureAwait(false))
            {
                SessionRecord? record;
                try
                {
                    record = await JsonSerializer.DeserializeAsync<SessionRecord>(claim, Json, cancellationToken).ConfigureAwait(false);
                }
                catch (JsonException)
                {
                    record = null;
                }
                if (record is not null && IsAlive(record)) continue;
                if (record is not null)
                {
                    try
                    {
                        await PurgeAsync(record, cancellationToken).ConfigureAwait(false);
                        TestingLog.Reaped(logger, record.SessionId, record.ClusterId, record.ProcessId);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // The engine may be gone for good; keep the file so that a later session tries again.
                        TestingLog.ReapFailed(logger, record.SessionId, e.Message);
                        continue;
                    }
                }
            }
            Unregister(path);
            reaped++;
        }
        return reaped;
    }

    private static async Task PurgeAsync(SessionRecord record, CancellationToken cancellationToken)
    {
        var options = new DockerRuntimeOptions { ClusterId = record.ClusterId, RemoveLeftovers = true };
        foreach (var host in record.Hosts)
        {
            options.Hosts.Add(new DockerHostOptions
            {
                Name = host.Name,
                Endpoint = new DockerEndpointOptions
                {
                    Host = host.Host,
                    TlsCertificatePath = host.TlsCertificatePath,
                    TlsVerify = host.TlsVerify,
                    ConfigDirectory = host.ConfigDirectory,
                    ConnectTimeout = TimeSpan.FromSeconds(5),
                },
            });
        }
        // Connecting with RemoveLeftovers removes what belongs to other node names; PurgeAsync removes the rest.
        await using var nodes = await DockerNodes.ConnectAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
        await nodes.PurgeAsync(cancellationToken).ConfigureAwait(false);
    }

    private static bool IsAlive(SessionRecord record)
    {
        try
        {
            using var process = Process.GetProcessById(record.ProcessId);
            if (process.HasExited) return false;
            // A recycled process id belongs to a process started later.
            return StartTicks(process) is not { } ticks || record.ProcessStartTicks == 0 ||
                Math.Abs(ticks - record.ProcessStartTicks) < TimeSpan.TicksPerSecond;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static long? StartTicks(Process process)
    {
        try
        {
            return process.StartTime.ToUniversalTime().Ticks;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    internal sealed record SessionRecord(string SessionId, string ClusterId, int ProcessId, long ProcessStartTicks, IReadOnlyList<HostRecord> Hosts);

    internal sealed record HostRecord(string? Name, string? Host, string? TlsCertificatePath, bool TlsVerify, string? ConfigDirectory);
}
