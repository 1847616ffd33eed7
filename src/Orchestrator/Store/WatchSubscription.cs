using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Errors;

namespace Orchestrator.Store;

/// <summary>
/// One watch: a cursor into its kind's shared history and a delivery loop on the thread pool. The loop reads the events
/// after its cursor straight from the history ring (no per-watcher queue, no copying), applies the watch's filter and
/// calls the observer one event at a time; when it has caught up it parks on the kind's shared <see cref="WatchSignal"/>.
/// A watcher that falls more than its buffer behind the latest write is failed with 410 Expired when it next reads,
/// so a stuck observer costs writers and other watchers nothing.
/// </summary>
internal sealed class WatchSubscription : IDisposable
{
    private readonly InMemoryObjectStore _store;
    private readonly KindStore _kind;
    private readonly WatchFilter _filter;
    private readonly IObserver<WatchEvent<KubernetesObject>> _observer;
    private readonly bool _bookmarks;
    private readonly int _bufferSize;
    private readonly bool _sendInitialState;
    private Exception? _startError;
    private long _cursor;
    private long _lastResourceVersion;
    private long _bookmarkEpoch;
    private volatile bool _disposed;

    private WatchSubscription(InMemoryObjectStore store, KindStore kind, WatchFilter filter, WatchOptions? options,
        IObserver<WatchEvent<KubernetesObject>> observer)
    {
        _store = store;
        _kind = kind;
        _filter = filter;
        _observer = observer;
        _bookmarks = options?.AllowBookmarks == true;
        _bufferSize = Math.Min(store.WatchBufferSize, kind.History.Capacity);
        _bookmarkEpoch = store.BookmarkEpoch;
        var rv = options?.ResourceVersion;
        _sendInitialState = string.IsNullOrEmpty(rv) || rv == "0";
    }

    /// <summary>Starts a watch for <paramref name="observer"/>; its first callback comes from the thread pool.</summary>
    public static IDisposable Start(InMemoryObjectStore store, KindStore kind, WatchFilter filter, WatchOptions? options,
        IObserver<WatchEvent<KubernetesObject>> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = new WatchSubscription(store, kind, filter, options, observer);
        if (subscription._sendInitialState) subscription.PositionNow();
        else subscription.PositionAfter(options!.ResourceVersion!);
        store.WatchOpened(kind);
        ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.RunAsync(), subscription, preferLocal: false);
        return subscription;
    }

    /// <summary>Stops delivery; an event being delivered completes first. Thread-safe and idempotent.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Interlocked.MemoryBarrier();
        _kind.Signal.Notify();
    }

    private bool Stopped => _disposed;

    /// <summary>
    /// Fixes the start of a watch without a resourceVersion at the store's current version, so that every change after
    /// <see cref="Start"/> returns is delivered. The initial objects are read later, on the delivery loop, as they were
    /// at that version.
    /// </summary>
    private void PositionNow()
    {
        lock (_kind.Gate)
        {
            _lastResourceVersion = _store.Clock.Current;
            _cursor = _kind.History.Published;
        }
    }

    /// <summary>Places the cursor after <paramref name="resourceVersion"/>, or records why that is impossible.</summary>
    private void PositionAfter(string resourceVersion)
    {
        if (!ResourceVersions.TryParse(resourceVersion, out var rv))
        {
            _startError = new BadRequestException($"invalid resource version \"{resourceVersion}\": it must be a number from a list, a watch event or an object");
            return;
        }
        lock (_kind.Gate)
        {
            var first = _kind.History.FindFirstAfter(rv, _kind.History.Published);
            if (first is null)
            {
                _startError = new ResourceExpiredException(
                    $"too old resource version: {rv} ({_kind.History.CompactedResourceVersion}); list {_kind.Kind.Plural} again and watch from the list's version");
                return;
            }
            _cursor = first.Value;
            _lastResourceVersion = rv;
        }
    }

    private async Task RunAsync()
    {
        try
        {
            if (_startError is not null)
            {
                TryError(_startError);
                return;
            }
            if (_sendInitialState && !SendInitialState()) return;
            while (!Stopped)
            {
                if (_store.IsDisposed)
                {
                    TryComplete();
                    return;
                }
                var published = _kind.History.Published;
                if (_cursor < published)
                {
                    if (published - _cursor > _bufferSize)
                    {
                        Overflow(published - _cursor);
                        return;
                    }
                    if (!DeliverUpTo(published)) return;
                    continue;
                }
                if (BookmarkDue())
                {
                    if (!SendBookmark()) return;
                    continue;
                }
                var wait = _kind.Signal.WaitAsync();
                if (_kind.History.Published > _cursor || Stopped || _store.IsDisposed || BookmarkDue()) continue;
                await wait.ConfigureAwait(false);
            }
        }
        catch (ResourceExpiredException ex)
        {
            // The initial state could not be read at the watch's version any more (the history moved on meanwhile).
            TryError(ex);
        }
        catch (Exception ex)
        {
            // Only the store's own code can get here (observer exceptions are caught in Emit); report it to the observer.
            StoreLog.WatchFailed(_store.Logger, ex, _kind.Kind.Kind);
            TryError(ex);
        }
        finally
        {
            _store.WatchClosed(_kind);
        }
    }

    private bool SendInitialState()
    {
        // The state at the version fixed by PositionNow; changes since then follow from the cursor.
        var snapshot = _kind.ReadSnapshot(_filter, _lastResourceVersion, null);
        try
        {
            var entries = snapshot.Entries.AsSpan(0, snapshot.Count);
            entries.Sort();
            foreach (var entry in entries)
            {
                if (Stopped || !Emit(new WatchEvent<KubernetesObject>(WatchEventType.Added, entry.Object))) return false;
            }
            return true;
        }
        finally
        {
            snapshot.Return();
        }
    }

    private bool DeliverUpTo(long end)
    {
        while (_cursor < end)
        {
            // Checked before each event: a change published after Dispose returned is never delivered.
            if (Stopped) return false;
            if (!_kind.History.TryGet(_cursor, out var e))
            {
                Overflow(_kind.History.Published - _cursor);
                return false;
            }
            _cursor++;
            _lastResourceVersion = e.ResourceVersion;
            if (!Deliver(e)) return false;
        }
        return true;
    }

    /// <summary>Delivers one change through the filter, turning selector transitions into Added and Deleted.</summary>
    private bool Deliver(in HistoryEvent e)
    {
        if (_filter.IsEverything) return Emit(new WatchEvent<KubernetesObject>(e.Type, e.Object));
        switch (e.Type)
        {
            case WatchEventType.Added:
                return !_filter.Matches(e.Object) || Emit(new WatchEvent<KubernetesObject>(WatchEventType.Added, e.Object));
            case WatchEventType.Deleted:
                return !_filter.Matches(e.Previous ?? e.Object) || Emit(new WatchEvent<KubernetesObject>(WatchEventType.Deleted, e.Object));
            default:
                var now = _filter.Matches(e.Object);
                var before = e.Previous is not null && _filter.Matches(e.Previous);
                if (now) return Emit(new WatchEvent<KubernetesObject>(before ? WatchEventType.Modified : WatchEventType.Added, e.Object));
                if (!before) return true;
                // Stopped matching: like the Kubernetes watch cache, the last matching state with this change's version.
                var last = e.Previous!;
                last = last with { Metadata = last.Metadata with { ResourceVersion = e.Object.Metadata.ResourceVersion } };
                return Emit(new WatchEvent<KubernetesObject>(WatchEventType.Deleted, last));
        }
    }

    private bool BookmarkDue() => _bookmarks && _store.BookmarkEpoch != _bookmarkEpoch;

    private bool SendBookmark()
    {
        _bookmarkEpoch = _store.BookmarkEpoch;
        long rv;
        // When caught up, every change of this kind up to the store's current version has been seen.
        lock (_kind.Gate) rv = _kind.History.Published == _cursor ? _store.Clock.Current : _lastResourceVersion;
        _lastResourceVersion = rv;
        return Emit(new WatchEvent<KubernetesObject>(WatchEventType.Bookmark, _kind.CreateBookmark(rv)));
    }

    private void Overflow(long lag)
    {
        _store.Metrics.WatchOverflowed(_kind.Kind.Kind);
        StoreLog.WatchOverflowed(_store.Logger, _kind.Kind.Kind, lag, _bufferSize);
        TryError(new ResourceExpiredException(
            $"the watch of {_kind.Kind.Plural} fell {lag} changes behind (limit {_bufferSize}) and was closed; " +
            $"watch again from resource version {_lastResourceVersion} or list again"));
    }

    private bool Emit(WatchEvent<KubernetesObject> e)
    {
        try
        {
            _observer.OnNext(e);
            return true;
        }
        catch (Exception ex)
        {
            StoreLog.WatchObserverFailed(_store.Logger, ex, _kind.Kind.Kind);
            _disposed = true;
            return false;
        }
    }

    private void TryComplete()
    {
        if (Stopped) return;
        try
        {
            _observer.OnCompleted();
        }
        catch (Exception ex)
        {
            StoreLog.WatchObserverFailed(_store.Logger, ex, _kind.Kind.Kind);
        }
    }

    private void TryError(Exception error)
    {
        if (Stopped) return;
        try
        {
            _observer.OnError(error);
        }
        catch (Exception ex)
        {
            StoreLog.WatchObserverFailed(_store.Logger, ex, _kind.Kind.Kind);
        }
    }
}
