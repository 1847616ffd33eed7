using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// The list-watch loop, cache and handler fan-out of one kind (client-go reflector + indexer + processor in one).
/// Cache mutations and handler calls are serialized by <see cref="_dispatch"/>; watch events arrive on the store's
/// delivery thread, relists on the loop's own task.
/// </summary>
internal sealed class SharedInformer<T> : IInformer<T> where T : KubernetesObject
{
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly IObjectReader _reader;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan? _resyncPeriod;
    private readonly InformerCache<T> _cache;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _dispatch = new();
    private Handler[] _handlers = [];
    private long _session;
    private int _lists;

    public SharedInformer(IObjectReader reader, TimeProvider time, ILogger logger, TimeSpan? resyncPeriod)
    {
        _reader = reader;
        _time = time;
        _logger = logger;
        _resyncPeriod = resyncPeriod;
        Kind = ApiResources.For<T>();
        _cache = new InformerCache<T>((index, ex) => InformerLog.IndexFailed(_logger, ex, Kind.Kind, index));
    }

    public ResourceKind Kind { get; }

    public ILister<T> Lister => _cache;

    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>How many lists have been loaded (1 + the number of relists); for tests and diagnostics.</summary>
    internal int ListCount => Volatile.Read(ref _lists);

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    public IDisposable AddEventHandler(Action<T>? onAdd = null, Action<T, T>? onUpdate = null, Action<T>? onDelete = null)
    {
        var handler = new Handler(onAdd, onUpdate, onDelete);
        lock (_dispatch)
        {
            _handlers = [.. _handlers, handler];
            if (onAdd is not null)
            {
                foreach (var item in _cache.Snapshot()) Invoke(handler.OnAdd, item);
            }
        }
        return new Registration(this, handler);
    }

    public void AddIndexer(string indexName, Func<T, IEnumerable<string>> indexFunc) => _cache.AddIndexer(indexName, indexFunc);

    /// <summary>Lists, then watches from the list's version; relists after any watch failure, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var resync = _resyncPeriod is { } period && period > TimeSpan.Zero
            ? new PeriodicTimer(period, _time)
            : null;
        var resyncLoop = resync is null ? Task.CompletedTask : ResyncAsync(resync, cancellationToken);

        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            WatchObserver? observer = null;
            Exception? error = null;
            try
            {
                var list = await _reader.ListAsync(Kind, null, cancellationToken).ConfigureAwait(false);
                var session = Replace(list.Items);
                if (_synced.TrySetResult()) InformerLog.Synced(_logger, Kind.Kind, list.Items.Count, list.ResourceVersion);
                observer = new WatchObserver(this, session);
                var options = new WatchOptions { ResourceVersion = list.ResourceVersion };
                using (_reader.Watch(Kind, options).Subscribe(observer))
                {
                    error = await observer.Ended.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                error = ex;
            }

            // A watch that made progress resets the back-off; an expired or ended watch relists at once the first time.
            failures = observer?.Delivered > 0 ? 1 : failures + 1;
            var benign = error is null or ResourceExpiredException;
            var delay = benign && failures == 1 ? TimeSpan.Zero : Backoff(failures);
            if (error is null) InformerLog.WatchEnded(_logger, Kind.Kind, delay);
            else if (error is ResourceExpiredException) InformerLog.WatchExpired(_logger, Kind.Kind, error.Message, delay);
            else InformerLog.ListWatchFailed(_logger, error, Kind.Kind, delay);
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        await resyncLoop.ConfigureAwait(false);
    }

    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, InitialBackoff.Ticks * (1L << Math.Min(failures - 1, 20))));

    /// <summary>Replaces the cache with a fresh list, notifying the difference; starts a new watch session.</summary>
    private long Replace(IReadOnlyList<KubernetesObject> items)
    {
        lock (_dispatch)
        {
            var session = ++_session;
            Interlocked.Increment(ref _lists);
            var listed = new HashSet<ObjectKey>();
            foreach (var obj in items)
            {
                var item = (T)obj;
                listed.Add(ObjectKey.Of(item));
                var old = _cache.Upsert(item);
                if (old is null) NotifyAdd(item);
                else if (old.Metadata.ResourceVersion != item.Metadata.ResourceVersion) NotifyUpdate(old, item);
            }
            foreach (var key in _cache.Keys())
            {
                if (!listed.Contains(key) && _cache.Remove(key) is { } gone) NotifyDelete(gone);
            }
            return session;
        }
    }

    /// <summary>Applies one watch event of <paramref name="session"/>; events of an abandoned session are dropped.</summary>
    private bool Apply(long session, WatchEvent<KubernetesObject> change)
    {
        lock (_dispatch)
        {
            if (session != _session) return false;
            switch (change.Type)
            {
                case WatchEventType.Added or WatchEventType.Modified:
                    var item = (T)change.Object;
                    if (_cache.Upsert(item) is { } old) NotifyUpdate(old, item);
                    else NotifyAdd(item);
                    break;
                case WatchEventType.Deleted:
                    var last = (T)change.Object;
                    if (_cache.Remove(ObjectKey.Of(last)) is not null) NotifyDelete(last);
                    break;
            }
            return true;
        }
    }

    private async Task ResyncAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                lock (_dispatch)
                {
                    foreach (var item in _cache.Snapshot()) NotifyUpdate(item, item);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void NotifyAdd(T item)
    {
        foreach (var handler in _handlers) Invoke(handler.OnAdd, item);
    }

    private void NotifyUpdate(T old, T item)
    {
        foreach (var handler in _handlers)
        {
            if (handler.OnUpdate is null) continue;
            try
            {
                handler.OnUpdate(old, item);
            }
            catch (Exception ex)
            {
                InformerLog.HandlerFailed(_logger, ex, Kind.Kind, ObjectKey.Of(item).ToString());
            }
        }
    }

    private void NotifyDelete(T last)
    {
        foreach (var handler in _handlers) Invoke(handler.OnDelete, last);
    }

    private void Invoke(Action<T>? action, T item)
    {
        if (action is null) return;
        try
        {
            action(item);
        }
        catch (Exception ex)
        {
            InformerLog.HandlerFailed(_logger, ex, Kind.Kind, ObjectKey.Of(item).ToString());
        }
    }

    private void RemoveHandler(Handler handler)
    {
        lock (_dispatch) _handlers = [.. _handlers.Where(h => h != handler)];
    }

    // A class, not a record: registrations of the same delegates are distinct.
    private sealed class Handler(Action<T>? onAdd, Action<T, T>? onUpdate, Action<T>? onDelete)
    {
        public Action<T>? OnAdd => onAdd;

        public Action<T, T>? OnUpdate => onUpdate;

        public Action<T>? OnDelete => onDelete;
    }

    private sealed class Registration(SharedInformer<T> owner, Handler handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.RemoveHandler(handler);
        }
    }

    private sealed class WatchObserver(SharedInformer<T> owner, long session) : IObserver<WatchEvent<KubernetesObject>>
    {
        // Completes with the watch's error, or null when the store ended it; never faults, so nothing goes unobserved.
        private readonly TaskCompletionSource<Exception?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _delivered;

        public Task<Exception?> Ended => _ended.Task;

        public int Delivered => Volatile.Read(ref _delivered);

        public void OnNext(WatchEvent<KubernetesObject> value)
        {
            if (owner.Apply(session, value)) Interlocked.Increment(ref _delivered);
        }

        public void OnError(Exception error) => _ended.TrySetResult(error);

        public void OnCompleted() => _ended.TrySetResult(null);
    }
}
