using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;

namespace Orchestrator.Runtime.Simulated;

// The optional capabilities of the simulated runtime: logs, exec, stats, events and probes.
public sealed partial class SimulatedContainerRuntime : IContainerLogs, IContainerExec, IContainerStats, IContainerEvents, IContainerProbes
{
    /// <inheritdoc/>
    public async IAsyncEnumerable<LogLine> ReadLogsAsync(string containerId, LogOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<LogLine> batch;
        int next;
        SimulatedContainer container;
        lock (_gate)
        {
            container = GetLocked(containerId);
            batch = container.Logs.Where(l => options.Since is not { } since || l.Timestamp >= since).ToList();
            if (options.TailLines is { } tail && batch.Count > tail) batch.RemoveRange(0, batch.Count - tail);
            next = container.Logs.Count;
        }
        foreach (var line in batch) yield return line;
        if (!options.Follow) yield break;

        while (true)
        {
            Task signal;
            bool ended;
            lock (_gate)
            {
                batch = next < container.Logs.Count ? container.Logs.GetRange(next, container.Logs.Count - next) : [];
                next = container.Logs.Count;
                ended = container.State == RuntimeContainerState.Exited || !_containers.ContainsKey(containerId);
                signal = (container.LogSignal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
            if (batch.Count == 0 && ended) yield break;
            foreach (var line in batch) yield return line;
            if (batch.Count > 0) continue;
            await signal.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (cancellationToken.IsCancellationRequested) yield break;
        }
    }

    /// <summary>Appends a line to a running container's log, as if it printed it (for tests of log readers).</summary>
    /// <returns>False when the container does not exist.</returns>
    public bool WriteLog(string containerId, string text, LogStream stream = LogStream.Stdout)
    {
        lock (_gate)
        {
            if (!_containers.TryGetValue(containerId, out var container)) return false;
            AppendLogLocked(container, stream, text);
            return true;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ExecResult> ExecAsync(string containerId, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ContainerConfig config;
        SimulatedSandbox sandbox;
        lock (_gate)
        {
            var container = GetLocked(containerId);
            if (container.State != RuntimeContainerState.Running)
            {
                throw new ContainerRuntimeException($"container {containerId} is not running");
            }
            config = container.Config;
            sandbox = container.Sandbox;
        }
        if (command is ["sleep", var text, ..] && double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            var duration = TimeSpan.FromSeconds(seconds);
            if (duration > timeout)
            {
                await Task.Delay(timeout, _time, cancellationToken).ConfigureAwait(false);
                return new ExecResult(-1, "", "", TimedOut: true);
            }
            await Task.Delay(duration, _time, cancellationToken).ConfigureAwait(false);
            return new ExecResult(0, "", "");
        }
        return SimulatedExec.Run(command, config, sandbox);
    }

    /// <inheritdoc/>
    public ValueTask<ContainerStats?> GetStatsAsync(string containerId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_containers.TryGetValue(containerId, out var container) || container.State != RuntimeContainerState.Running)
            {
                return ValueTask.FromResult<ContainerStats?>(null);
            }
            var behavior = container.Behavior;
            return ValueTask.FromResult<ContainerStats?>(
                new ContainerStats(containerId, _time.GetUtcNow(), behavior.CpuMillicores * 1_000_000, behavior.MemoryBytes));
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ContainerEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<ContainerEvent>(new BoundedChannelOptions(16_384)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        ImmutableInterlocked.Update(ref _subscribers, static (list, c) => list.Add(c), channel);
        try
        {
            while (true)
            {
                var wait = channel.Reader.WaitToReadAsync(cancellationToken).AsTask();
                await ((Task)wait).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (cancellationToken.IsCancellationRequested || !wait.IsCompletedSuccessfully || !wait.Result) yield break;
                while (channel.Reader.TryRead(out var e)) yield return e;
            }
        }
        finally
        {
            ImmutableInterlocked.Update(ref _subscribers, static (list, c) => list.Remove(c), channel);
        }
    }

    /// <summary>How many probe attempts the runtime has answered, for tests that step a fake clock probe by probe.</summary>
    public long ProbeAttempts => Interlocked.Read(ref _probeAttempts);

    /// <summary>How many subscribers <see cref="WatchAsync"/> has.</summary>
    internal int SubscriberCount => _subscribers.Length;

    /// <inheritdoc/>
    public ValueTask<ProbeResult> ProbeAsync(string containerId, ProbeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Interlocked.Increment(ref _probeAttempts);
        lock (_gate)
        {
            var container = GetLocked(containerId);
            if (container.State != RuntimeContainerState.Running)
            {
                return ValueTask.FromResult(ProbeResult.Failure("container is not running"));
            }
            var behavior = container.Behavior;
            var uptime = _time.GetUtcNow() - container.StartedAt!.Value;
            var result = request.Kind switch
            {
                ProbeKind.Readiness when behavior.FailReadiness => ProbeResult.Failure(Describe(request, "readiness failure simulated")),
                ProbeKind.Readiness when uptime < behavior.ReadyAfter => ProbeResult.Failure(Describe(request, "not ready yet (simulated warm-up)")),
                ProbeKind.Liveness when behavior.FailLiveness => ProbeResult.Failure(Describe(request, "liveness failure simulated")),
                ProbeKind.Liveness when behavior.LivenessFailAfter is { } after && uptime >= after =>
                    ProbeResult.Failure(Describe(request, "liveness failure simulated")),
                ProbeKind.Startup when behavior.FailStartup => ProbeResult.Failure(Describe(request, "startup failure simulated")),
                ProbeKind.Startup when uptime < behavior.StartupAfter => ProbeResult.Failure(Describe(request, "not started yet (simulated)")),
                _ => ProbeResult.Passed,
            };
            return ValueTask.FromResult(result);
        }
    }

    private static string Describe(ProbeRequest request, string what) => request switch
    {
        { HttpUrl: { } url } => $"Get \"{url}\": {what}",
        { TcpPort: { } port } => $"dial tcp {request.TcpHost}:{port}: {what}",
        _ => what,
    };

    private void AppendLogLocked(SimulatedContainer container, LogStream stream, string text)
    {
        container.Logs.Add(new LogLine(_time.GetUtcNow(), stream, text));
        SignalLocked(container);
    }

    private static void SignalLocked(SimulatedContainer container)
    {
        var signal = container.LogSignal;
        container.LogSignal = null;
        signal?.TrySetResult();
    }
}

/// <summary>The few commands a simulated container understands.</summary>
internal static class SimulatedExec
{
    public static ExecResult Run(IReadOnlyList<string> command, ContainerConfig config, SimulatedSandbox sandbox)
    {
        switch (command)
        {
            case []:
                return new ExecResult(126, "", "no command given\n");
            case ["true", ..]:
                return new ExecResult(0, "", "");
            case ["false", ..]:
                return new ExecResult(1, "", "");
            case ["echo", ..]:
                return new ExecResult(0, string.Join(' ', command.Skip(1)) + "\n", "");
            case ["hostname"]:
                return new ExecResult(0, sandbox.Config.Hostname + "\n", "");
            case ["env"] or ["printenv"]:
                return new ExecResult(0, string.Concat(Environment(config).Select(kv => $"{kv.Key}={kv.Value}\n")), "");
            case ["printenv", var name]:
                return Environment(config).TryGetValue(name, out var value) ? new ExecResult(0, value + "\n", "") : new ExecResult(1, "", "");
            case ["cat", var path]:
                return ReadFile(path, config, sandbox) is { } content
                    ? new ExecResult(0, content, "")
                    : new ExecResult(1, "", $"cat: {path}: No such file or directory\n");
            default:
                return new ExecResult(0, "", "");
        }
    }

    private static Dictionary<string, string> Environment(ContainerConfig config)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in config.Env) env[variable.Name] = variable.Value;
        return env;
    }

    private static string? ReadFile(string path, ContainerConfig config, SimulatedSandbox sandbox)
    {
        foreach (var mount in config.Mounts)
        {
            var root = mount.ContainerPath.TrimEnd('/');
            if (!sandbox.Volumes.TryGetValue(mount.VolumeName, out var volume) || volume.Kind != RuntimeVolumeKind.Files) continue;
            var sub = mount.SubPath is { Length: > 0 } subPath ? subPath.Trim('/') : null;
            string relative;
            if (path == root && sub is not null) relative = sub;
            else if (path.StartsWith(root + "/", StringComparison.Ordinal))
            {
                relative = path[(root.Length + 1)..];
                if (sub is not null) relative = sub + "/" + relative;
            }
            else continue;
            foreach (var file in volume.Files)
            {
                if (file.Path == relative) return Encoding.UTF8.GetString(file.Content.Span);
            }
        }
        return null;
    }
}
