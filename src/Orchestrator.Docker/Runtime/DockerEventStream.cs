using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orchestrator.Docker.Engine;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Runtime;

/// <summary>
/// One subscription to the engine's container events of a cluster (create, start, die, destroy), shared by every
/// subscriber of a runtime. It runs while someone subscribes; when the engine's stream breaks (the engine restarted, the
/// connection dropped) it reconnects with back-off and asks the engine to replay from the last event it saw
/// (<c>since</c>), skipping the events it already delivered, so an exit that happened while disconnected is not lost
/// (the engine keeps its recent events in memory). Each subscriber has its own bounded queue: a slow one loses its
/// oldest events and never blocks the others.
/// </summary>
internal sealed class DockerEventStream : IAsyncDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(5);

    private readonly DockerEngineClient _client;
    private readonly DockerFilters _filters;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private ImmutableArray<Channel<ContainerEvent>> _subscribers = [];
    private CancellationTokenSource? _pumpStop;
    private Task _pump = Task.CompletedTask;

    public DockerEventStream(DockerEngineClient client, string clusterId, TimeProvider time, ILogger logger)
    {
        _client = client;
        _time = time;
        _logger = logger;
        _filters = DockerFilters.Label(DockerLabels.ClusterId, clusterId)
            .Add("type", "container")
            .Add("event", "create").Add("event", "start").Add("event", "die").Add("event", "destroy");
    }

    private int _connections;

    /// <summary>How many times the stream connected to the engine (for tests of reconnection).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Streams the events observed after the call until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async IAsyncEnumerable<ContainerEvent> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ContainerEvent>(new BoundedChannelOptions(4096)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate)
        {
            _subscribers = _subscribers.Add(channel);
            if (_pumpStop is null)
            {
                _pumpStop = new CancellationTokenSource();
                var since = _time.GetUtcNow();
                var token = _pumpStop.Token;
                _pump = Task.Run(() => PumpAsync(since, token), CancellationToken.None);
            }
        }
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
            CancellationTokenSource? stop = null;
            lock (_gate)
            {
                _subscribers = _subscribers.Remove(channel);
                if (_subscribers.IsEmpty)
                {
                    stop = _pumpStop;
                    _pumpStop = null;
                }
            }
            if (stop is not null)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                stop.Dispose();
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        CancellationTokenSource? stop;
        Task pump;
        lock (_gate)
        {
            stop = _pumpStop;
            _pumpStop = null;
            pump = _pump;
            foreach (var channel in _subscribers) channel.Writer.TryComplete();
            _subscribers = [];
        }
        if (stop is not null)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            stop.Dispose();
        }
        await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task PumpAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var retry = FirstRetry;
        // Events at exactly the replay point were delivered already: the engine replays from `since` inclusive.
        var delivered = new HashSet<(string?, string?, long)>();
        var lastNano = 0L;
        while (!cancellationToken.IsCancellationRequested)
        {
            var connectedAt = _time.GetTimestamp();
            try
            {
                Interlocked.Increment(ref _connections);
                await foreach (var e in _client.MonitorEventsAsync(_filters, since, null, cancellationToken).ConfigureAwait(false))
                {
                    var key = (e.Actor.ID, e.Action, e.TimeNano);
                    if (e.TimeNano < lastNano || (e.TimeNano == lastNano && delivered.Contains(key))) continue;
                    if (e.TimeNano > lastNano)
                    {
                        delivered.Clear();
                        lastNano = e.TimeNano;
                    }
                    delivered.Add(key);
                    since = e.Timestamp;
                    retry = FirstRetry;
                    if (Map(e) is { } mapped) Publish(mapped);
                }
                DockerRuntimeLog.EventStreamEnded(_logger, _client.Endpoint.Address);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                DockerRuntimeLog.EventStreamFailed(_logger, _client.Endpoint.Address, e.Message, retry);
            }
            if (_time.GetElapsedTime(connectedAt) > TimeSpan.FromSeconds(30)) retry = FirstRetry;
            try
            {
                await Task.Delay(retry, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, MaxRetry.Ticks));
        }
    }

    private void Publish(ContainerEvent e)
    {
        foreach (var channel in _subscribers) channel.Writer.TryWrite(e);
    }

    /// <summary>The contract's event for an engine event, or null for one of no interest.</summary>
    internal static ContainerEvent? Map(DockerEvent e)
    {
        var type = e.Action switch
        {
            "create" => ContainerEventType.Created,
            "start" => ContainerEventType.Started,
            "die" => ContainerEventType.Exited,
            "destroy" => ContainerEventType.Removed,
            _ => (ContainerEventType?)null,
        };
        if (type is null || e.Actor.ID is not { Length: > 0 } id) return null;
        var labels = e.Actor.Attributes
            .Where(a => a.Key is not ("name" or "image" or "exitCode" or "signal" or "execDuration"))
            .ToImmutableDictionary(StringComparer.Ordinal);
        var sandboxId = labels.GetValueOrDefault(DockerLabels.Role) == DockerLabels.SandboxRole ? id : labels.GetValueOrDefault(DockerLabels.SandboxId) ?? "";
        return new ContainerEvent(type.Value, id, sandboxId, e.Timestamp, labels);
    }
}
