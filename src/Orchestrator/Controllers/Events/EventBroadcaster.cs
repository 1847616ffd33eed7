using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// The one background writer behind every <see cref="IEventRecorder"/> of a process: a bounded queue drained into the
/// store, with identical events aggregated (a simplified client-go <c>EventCorrelator</c>).
/// </summary>
internal sealed class EventBroadcaster : IEventRecorderFactory, IAsyncDisposable, IDisposable
{
    /// <summary>Events queued beyond this are dropped.</summary>
    public const int DefaultCapacity = 1000;

    /// <summary>An identical event within this time of the last one is aggregated into it.</summary>
    public static readonly TimeSpan DefaultAggregationWindow = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);
    private const int MaxTracked = 4096;

    private readonly IObjectWriter _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _window;
    private readonly Channel<PendingEvent> _pending;
    private readonly CancellationTokenSource _stopping;
    private readonly Dictionary<CorrelationKey, Event> _recent = [];
    private readonly Task _writer;
    private long _lastNanos;
    private int _dropping;

    public EventBroadcaster(IObjectWriter store, TimeProvider time, ILogger logger, int capacity = DefaultCapacity, TimeSpan? aggregationWindow = null)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _window = aggregationWindow ?? DefaultAggregationWindow;
        _stopping = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _pending = Channel.CreateBounded<PendingEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue rejects the new event
        });
        _writer = Task.Run(() => WriteAllAsync(_stopping.Token));
    }

    public IEventRecorder CreateRecorder(string component, string? host = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(component);
        return new Recorder(this, new EventSource { Component = component, Host = host });
    }

    public async ValueTask DisposeAsync()
    {
        if (!_pending.Writer.TryComplete()) return;
        // Give queued events a bounded time to reach the store, then abandon them.
        _stopping.CancelAfter(DrainTimeout);
        await _writer.ConfigureAwait(false);
        _stopping.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void Enqueue(PendingEvent pending)
    {
        if (_pending.Writer.TryWrite(pending))
        {
            Volatile.Write(ref _dropping, 0);
            return;
        }
        // Log once per overflow episode, not once per dropped event.
        if (Interlocked.Exchange(ref _dropping, 1) == 0)
        {
            EventLog.Dropped(_logger, pending.Source.Component ?? "", pending.Reason, ObjectKey(pending.Involved));
        }
    }

    private async Task WriteAllAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var pending in _pending.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await WriteAsync(pending, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    EventLog.WriteFailed(_logger, ex, pending.Reason, ObjectKey(pending.Involved));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task WriteAsync(PendingEvent pending, CancellationToken cancellationToken)
    {
        var key = new CorrelationKey(pending);
        if (_recent.TryGetValue(key, out var recent) && pending.Timestamp - (recent.LastTimestamp ?? default) <= _window)
        {
            var aggregated = recent with
            {
                Metadata = recent.Metadata with { ResourceVersion = null },
                Count = recent.Count + 1,
                LastTimestamp = pending.Timestamp > recent.LastTimestamp ? pending.Timestamp : recent.LastTimestamp,
            };
            try
            {
                _recent[key] = (Event)await _store.UpdateAsync(aggregated, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (NotFoundException)
            {
                // The event was deleted meanwhile: start a new one.
            }
        }

        if (_recent.Count >= MaxTracked) Prune(pending.Timestamp);
        var ns = string.IsNullOrEmpty(pending.Involved.Namespace) ? "default" : pending.Involved.Namespace;
        for (var attempt = 0; ; attempt++)
        {
            var created = new Event
            {
                Metadata = new ObjectMeta { Name = $"{pending.Involved.Name}.{NextNanos(pending.Timestamp):x}", Namespace = ns },
                InvolvedObject = pending.Involved,
                Type = pending.Type,
                Reason = pending.Reason,
                Message = pending.Message,
                Source = pending.Source,
                FirstTimestamp = pending.Timestamp,
                LastTimestamp = pending.Timestamp,
                Count = 1,
                ReportingComponent = pending.Source.Component,
                ReportingInstance = pending.Source.Host,
            };
            try
            {
                _recent[key] = (Event)await _store.CreateAsync(created, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (AlreadyExistsException) when (attempt < 3)
            {
                // A name taken by an event created elsewhere at the same instant: NextNanos moves on.
            }
        }
    }

    /// <summary>Nanoseconds since the Unix epoch of <paramref name="timestamp"/>, strictly increasing across calls.</summary>
    private long NextNanos(DateTimeOffset timestamp)
    {
        var nanos = (timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        _lastNanos = Math.Max(nanos, _lastNanos + 1);
        return _lastNanos;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, recent) in _recent.ToArray())
        {
            if (now - (recent.LastTimestamp ?? default) > _window) _recent.Remove(key);
        }
        if (_recent.Count < MaxTracked) return;
        foreach (var (key, _) in _recent.OrderBy(r => r.Value.LastTimestamp).Take(_recent.Count / 2).ToArray())
        {
            _recent.Remove(key);
        }
    }

    private static string ObjectKey(ObjectReference involved) =>
        string.IsNullOrEmpty(involved.Namespace) ? $"{involved.Kind}/{involved.Name}" : $"{involved.Kind}/{involved.Namespace}/{involved.Name}";

    private sealed record PendingEvent(
        ObjectReference Involved, string Type, string Reason, string Message, EventSource Source, DateTimeOffset Timestamp);

    /// <summary>What makes two events identical: the object (by uid), type, reason, message and source.</summary>
    private readonly record struct CorrelationKey(
        string? Kind, string? Namespace, string? Name, string? Uid, string? FieldPath,
        string Type, string Reason, string Message, string? Component, string? Host)
    {
        public CorrelationKey(PendingEvent e)
            : this(e.Involved.Kind, e.Involved.Namespace, e.Involved.Name, e.Involved.Uid, e.Involved.FieldPath,
                e.Type, e.Reason, e.Message, e.Source.Component, e.Source.Host)
        {
        }
    }

    private sealed class Recorder(EventBroadcaster owner, EventSource source) : IEventRecorder
    {
        public void Record(KubernetesObject involved, string type, string reason, string message)
        {
            try
            {
                owner.Enqueue(new PendingEvent(
                    ObjectReference.For(involved), type ?? EventType.Normal, reason ?? "", message ?? "", source, owner._time.GetUtcNow()));
            }
            catch (Exception ex)
            {
                // Recording is best-effort and must never fail the caller.
                EventLog.RecordFailed(owner._logger, ex, reason ?? "");
            }
        }
    }
}
