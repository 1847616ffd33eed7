using System.Runtime.CompilerServices;
using Orchestrator.Docker.Engine;
using Orchestrator.Runtime;
using ExecResult = Orchestrator.Runtime.ExecResult;

namespace Orchestrator.Docker.Runtime;

// The optional capabilities: logs, exec, stats and events.
public sealed partial class DockerContainerRuntime : IContainerLogs, IContainerExec, IContainerStats, IContainerEvents
{
    /// <summary>The output an exec keeps per stream.</summary>
    internal const int MaxExecOutputBytes = 1024 * 1024;

    /// <summary>How far apart the two CPU readings of a first stats request are.</summary>
    private static readonly TimeSpan CpuSampleWindow = TimeSpan.FromMilliseconds(250);

    /// <inheritdoc/>
    /// <remarks>The engine's log (the <c>json-file</c> driver keeps it until the container is removed), with its timestamps.</remarks>
    public async IAsyncEnumerable<LogLine> ReadLogsAsync(string containerId, LogOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        ArgumentNullException.ThrowIfNull(options);
        var parameters = new ContainerLogsParameters
        {
            Follow = options.Follow,
            Tail = options.TailLines,
            Since = options.Since,
            Timestamps = true,
        };
        var lines = _client.ReadContainerLogsAsync(containerId, parameters, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await lines.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }
                catch (DockerNotFoundException e)
                {
                    throw new ContainerRuntimeException($"container {containerId} does not exist", e);
                }
                catch (Exception e) when (IsEngineFailure(e, cancellationToken))
                {
                    throw Failure("reading the container's logs", e);
                }
                if (!more) yield break;
                var line = lines.Current;
                yield return new LogLine(
                    line.Timestamp ?? _time.GetUtcNow(), line.Stream == DockerStreamKind.Stderr ? LogStream.Stderr : LogStream.Stdout, line.Text);
            }
        }
        finally
        {
            await lines.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The engine cannot stop an exec process: after a timeout the command may go on running in the container. A command
    /// the engine could not start (no such binary) is reported as an exception, not as exit code 126 or 127.
    /// </remarks>
    public async ValueTask<ExecResult> ExecAsync(string containerId, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0) throw new ContainerRuntimeException("no command given");
        Engine.ExecResult result;
        try
        {
            result = await _client.ExecAsync(containerId, new ExecCreateRequest { Cmd = command }, timeout, MaxExecOutputBytes, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return new ExecResult(-1, "", "", TimedOut: true);
        }
        catch (DockerNotFoundException e)
        {
            throw new ContainerRuntimeException($"container {containerId} does not exist", e);
        }
        catch (DockerConflictException e)
        {
            throw new ContainerRuntimeException($"container {containerId} is not running", e);
        }
        catch (Exception e) when (IsEngineFailure(e, cancellationToken))
        {
            throw Failure("running the command", e);
        }
        if (result.ExitCode is 126 or 127 && StartFailure(result) is { } failure)
        {
            throw new ContainerRuntimeException(failure);
        }
        return new ExecResult(result.ExitCode, result.Stdout, result.Stderr);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The CPU rate is the difference of cumulative CPU time between this reading and the previous one of the same
    /// container (or one taken 250 ms earlier on the first request); memory is the working set (usage without inactive
    /// page cache).
    /// </remarks>
    public async ValueTask<ContainerStats?> GetStatsAsync(string containerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        var stats = await ReadStatsAsync(containerId, cancellationToken).ConfigureAwait(false);
        if (stats?.Read is not { } read) return null;
        var sample = new CpuSample(read, stats.CpuStats.CpuUsage.TotalUsage);
        if (!_cpuSamples.TryGetValue(containerId, out var previous) || read - previous.Time <= TimeSpan.Zero ||
            read - previous.Time > TimeSpan.FromMinutes(5) || sample.UsageNanoseconds < previous.UsageNanoseconds)
        {
            previous = sample;
            await Task.Delay(CpuSampleWindow, _time, cancellationToken).ConfigureAwait(false);
            stats = await ReadStatsAsync(containerId, cancellationToken).ConfigureAwait(false);
            if (stats?.Read is not { } second) return null;
            read = second;
            sample = new CpuSample(read, stats.CpuStats.CpuUsage.TotalUsage);
        }
        _cpuSamples[containerId] = sample;
        var seconds = (read - previous.Time).TotalSeconds;
        var rate = seconds <= 0 ? 0 : (long)((sample.UsageNanoseconds - previous.UsageNanoseconds) / seconds);
        return new ContainerStats(containerId, read, Math.Max(0, rate), (long)stats.MemoryStats.WorkingSet);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Container events of this cluster from the engine (create, start, die, destroy), for sandboxes and containers
    /// alike. One engine subscription serves every caller; it reconnects when it breaks and replays what it missed.
    /// </remarks>
    public IAsyncEnumerable<ContainerEvent> WatchAsync(CancellationToken cancellationToken = default) => _events.SubscribeAsync(cancellationToken);

    /// <summary>One stats reading, or null when the container does not exist or does not run.</summary>
    private async Task<ContainerStatsResponse?> ReadStatsAsync(string containerId, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetContainerStatsAsync(containerId, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (IsEngineFailure(e, cancellationToken))
        {
            throw Failure("reading the container's stats", e);
        }
    }

    /// <summary>The engine's message when an exec could not start its process, or null for a process that ran.</summary>
    private static string? StartFailure(Engine.ExecResult result)
    {
        foreach (var text in new[] { result.Stdout, result.Stderr })
        {
            var index = text.IndexOf("OCI runtime exec failed", StringComparison.Ordinal);
            if (index >= 0) return text[index..].Trim();
        }
        return null;
    }
}
