namespace Orchestrator.Controllers;

/// <summary>
/// A work queue with client-go semantics: de-duplicating, per-key serializing, with delayed and rate-limited adds.
/// </summary>
/// <remarks>
/// Guarantees:
/// <list type="bullet">
/// <item>A key is pending at most once: adding a key that is already pending is a no-op.</item>
/// <item>A key is never handed to two consumers at once: adding a key while it is being processed (between
/// <see cref="GetAsync"/> and <see cref="Done"/>) marks it dirty, and <see cref="Done"/> queues it again.</item>
/// <item>Keys are handed out in the order they became pending (FIFO), to waiting consumers in the order they asked.</item>
/// <item><see cref="AddAfter"/> keeps the earliest of several requested times for a key; all timing comes from the
/// <see cref="TimeProvider"/> given at construction.</item>
/// <item>After <see cref="ShutDown"/>, adds are ignored, the keys still pending are handed out, and then
/// <see cref="GetAsync"/> reports shut-down.</item>
/// </list>
/// All members are thread-safe. Every key obtained from <see cref="GetAsync"/> must be passed to <see cref="Done"/>.
/// </remarks>
/// <typeparam name="TKey">The work item type, usually an <see cref="Api.ObjectKey"/>; compared with its equality.</typeparam>
public sealed class WorkQueue<TKey> : IDisposable where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly LinkedList<TaskCompletionSource<(TKey, bool)>> _waiters = new();
    private readonly PriorityQueue<TKey, long> _delayed = new();
    private readonly Dictionary<TKey, long> _readyAt = [];
    private readonly IRateLimiter<TKey> _rateLimiter;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private TaskCompletionSource? _drained;
    private bool _shuttingDown;

    /// <summary>Creates a queue.</summary>
    /// <param name="rateLimiter">The limiter behind <see cref="AddRateLimited"/>; <see cref="RateLimiters.Default{TKey}"/> when null.</param>
    /// <param name="timeProvider">The clock for delays; <see cref="TimeProvider.System"/> when null.</param>
    public WorkQueue(IRateLimiter<TKey>? rateLimiter = null, TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _rateLimiter = rateLimiter ?? RateLimiters.Default<TKey>(_time);
        _timer = _time.CreateTimer(static state => ((WorkQueue<TKey>)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How many keys are pending (not counting keys being processed or waiting for a delay); the queue-depth metric.</summary>
    public int Length
    {
        get
        {
            lock (_gate) return _queue.Count;
        }
    }

    /// <summary>How many keys wait for an <see cref="AddAfter"/> time; for tests and diagnostics.</summary>
    internal int WaitingCount
    {
        get
        {
            lock (_gate) return _readyAt.Count;
        }
    }

    /// <summary>True once <see cref="ShutDown"/> or <see cref="ShutDownWithDrainAsync"/> was called.</summary>
    public bool IsShuttingDown
    {
        get
        {
            lock (_gate) return _shuttingDown;
        }
    }

    /// <summary>Makes <paramref name="key"/> pending, unless it already is; ignored after shut-down.</summary>
    public void Add(TKey key)
    {
        lock (_gate) AddLocked(key);
    }

    /// <summary>
    /// Adds <paramref name="key"/> once <paramref name="delay"/> has passed; a zero or negative delay adds it now. If the
    /// key is already waiting for an earlier time, this call has no effect; if for a later time, the earlier time wins.
    /// </summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        lock (_gate)
        {
            if (_shuttingDown) return;
            var readyAt = _time.GetTimestamp() + ToTimestampTicks(delay);
            if (_readyAt.TryGetValue(key, out var existing) && existing <= readyAt) return;
            _readyAt[key] = readyAt;
            _delayed.Enqueue(key, readyAt);
            ScheduleTimerLocked();
        }
    }

    /// <summary>Adds <paramref name="key"/> after the delay its rate limiter assigns (which also counts a requeue).</summary>
    /// <returns>The delay assigned.</returns>
    public TimeSpan AddRateLimited(TKey key)
    {
        var delay = _rateLimiter.When(key);
        AddAfter(key, delay);
        return delay;
    }

    /// <summary>Resets the rate limiter's back-off for <paramref name="key"/>; call it when the key was processed successfully.</summary>
    public void Forget(TKey key) => _rateLimiter.Forget(key);

    /// <summary>How many times <paramref name="key"/> was rate-limited since it was last forgotten.</summary>
    public int NumRequeues(TKey key) => _rateLimiter.NumRequeues(key);

    /// <summary>
    /// Waits for a pending key and marks it as being processed. The caller must call <see cref="Done"/> with it when finished.
    /// </summary>
    /// <returns>The key and false; or <c>default</c> and true once the queue is shut down and empty.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public async ValueTask<(TKey Key, bool ShutDown)> GetAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource<(TKey, bool)> waiter;
        LinkedListNode<TaskCompletionSource<(TKey, bool)>> node;
        lock (_gate)
        {
            if (_queue.TryDequeue(out var key))
            {
                _processing.Add(key);
                _dirty.Remove(key);
                return (key, false);
            }
            if (_shuttingDown) return (default!, true);
            waiter = new TaskCompletionSource<(TKey, bool)>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }
        await using var registration = cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                // A waiter still in the list has not been handed a key; one that left it has, and keeps it.
                if (node.List is null) return;
                _waiters.Remove(node);
            }
            waiter.TrySetCanceled(cancellationToken);
        });
        return await waiter.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Marks <paramref name="key"/> as processed. If it was added again while being processed it becomes pending again.
    /// </summary>
    public void Done(TKey key)
    {
        lock (_gate)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key)) EnqueueLocked(key);
            else if (_processing.Count == 0) _drained?.TrySetResult();
        }
    }

    /// <summary>
    /// Stops accepting keys: later adds are ignored, waiting and later <see cref="GetAsync"/> calls return the keys
    /// still pending and then report shut-down. Idempotent.
    /// </summary>
    public void ShutDown()
    {
        List<TaskCompletionSource<(TKey, bool)>> waiters;
        lock (_gate)
        {
            _shuttingDown = true;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _delayed.Clear();
            _readyAt.Clear();
            // Waiters exist only while nothing is pending, so each of them gets "shut down".
            waiters = [.. _waiters];
            _waiters.Clear();
        }
        foreach (var waiter in waiters) waiter.TrySetResult((default!, true));
    }

    /// <summary>Shuts the queue down (see <see cref="ShutDown"/>) and waits until every key being processed is <see cref="Done"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default)
    {
        ShutDown();
        Task drained;
        lock (_gate)
        {
            if (_processing.Count == 0) return Task.CompletedTask;
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = _drained.Task;
        }
        return drained.WaitAsync(cancellationToken);
    }

    /// <summary>Shuts the queue down and releases its timer.</summary>
    public void Dispose()
    {
        ShutDown();
        _timer.Dispose();
    }

    private void AddLocked(TKey key)
    {
        if (_shuttingDown || !_dirty.Add(key)) return;
        if (_processing.Contains(key)) return; // Done re-queues it.
        EnqueueLocked(key);
    }

    private void EnqueueLocked(TKey key)
    {
        if (_waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            _processing.Add(key);
            _dirty.Remove(key);
            first.Value.TrySetResult((key, false)); // continuations run asynchronously, not under the lock
            return;
        }
        _queue.Enqueue(key);
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            while (_delayed.TryPeek(out var key, out var readyAt) && readyAt <= now)
            {
                _delayed.Dequeue();
                // An entry superseded by an earlier AddAfter of the same key is stale.
                if (_readyAt.TryGetValue(key, out var current) && current == readyAt)
                {
                    _readyAt.Remove(key);
                    AddLocked(key);
                }
            }
            ScheduleTimerLocked();
        }
    }

    private void ScheduleTimerLocked()
    {
        while (_delayed.TryPeek(out var key, out var readyAt))
        {
            if (_readyAt.TryGetValue(key, out var current) && current == readyAt)
            {
                var remaining = readyAt - _time.GetTimestamp();
                var due = remaining <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)remaining / _time.TimestampFrequency);
                _timer.Change(due, Timeout.InfiniteTimeSpan);
                return;
            }
            _delayed.Dequeue();
        }
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private long ToTimestampTicks(TimeSpan delay) => (long)Math.Ceiling(delay.TotalSeconds * _time.TimestampFrequency);
}
