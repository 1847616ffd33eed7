using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Tests.Controllers.StatefulSets;

/// <summary>
/// Every pod change of a namespace in store order, from a watch, so that a test can check what held at the moment of each
/// change (for example, that pod n was ready when pod n+1 was created).
/// </summary>
internal sealed class PodTimeline : IObserver<WatchEvent<Pod>>, IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<WatchEvent<Pod>> _events = [];
    private IDisposable? _subscription;

    private IReadOnlyList<Pod> _initial = [];

    /// <summary>Lists the pods of <paramref name="ns"/> and records every change after that list.</summary>
    public static PodTimeline Watch(IObjectStore store, string ns)
    {
        var list = store.ListAsync<Pod>(new ListOptions { Namespace = ns }).AsTask().GetAwaiter().GetResult();
        var timeline = new PodTimeline { _initial = list.Items };
        timeline._subscription = store.Watch<Pod>(new WatchOptions { Namespace = ns, ResourceVersion = list.ResourceVersion }).Subscribe(timeline);
        return timeline;
    }

    /// <summary>The events so far.</summary>
    public IReadOnlyList<WatchEvent<Pod>> Events
    {
        get
        {
            lock (_gate) return [.. _events];
        }
    }

    /// <summary>
    /// Replays the events and calls <paramref name="check"/> with each event and the state of every pod just before it
    /// (by name; pods that do not exist are absent), starting from the pods listed when the timeline started.
    /// </summary>
    public void Replay(Action<WatchEvent<Pod>, IReadOnlyDictionary<string, Pod>> check)
    {
        var state = _initial.ToDictionary(p => p.Metadata.Name!, StringComparer.Ordinal);
        foreach (var e in Events)
        {
            check(e, state);
            if (e.Type == WatchEventType.Deleted) state.Remove(e.Object.Metadata.Name!);
            else if (e.Type != WatchEventType.Bookmark) state[e.Object.Metadata.Name!] = e.Object;
        }
    }

    /// <summary>The index of the first event where the pod named <paramref name="name"/> starts being deleted, or -1.</summary>
    public int DeletionStarted(string name, string? uid = null) => IndexOf(e =>
        e.Object.Metadata.Name == name && (uid is null || e.Object.Metadata.Uid == uid) &&
        (e.Type == WatchEventType.Deleted || e.Object.Metadata.DeletionTimestamp is not null));

    /// <summary>The index of the event that removed the pod named <paramref name="name"/>, or -1.</summary>
    public int Removed(string name, string? uid = null) => IndexOf(e =>
        e.Type == WatchEventType.Deleted && e.Object.Metadata.Name == name && (uid is null || e.Object.Metadata.Uid == uid));

    public void OnNext(WatchEvent<Pod> value)
    {
        lock (_gate) _events.Add(value);
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    public void Dispose() => _subscription?.Dispose();

    private int IndexOf(Func<WatchEvent<Pod>, bool> match)
    {
        var events = Events;
        for (var i = 0; i < events.Count; i++)
        {
            if (match(events[i])) return i;
        }
        return -1;
    }
}
