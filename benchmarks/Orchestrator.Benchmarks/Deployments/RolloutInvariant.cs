using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Benchmarks.Deployments;

/// <summary>
/// Checks, on every pod change the store's watch shows once <see cref="Start"/> was called, that a rolling update keeps
/// at least <c>replicas - maxUnavailable</c> pods ready and at most <c>replicas + maxSurge</c> pods active (not being
/// deleted, not finished), counting the violations.
/// </summary>
internal sealed class RolloutInvariant : IObserver<WatchEvent<Pod>>, IDisposable
{
    private readonly Dictionary<string, (bool Active, bool Ready)> _pods = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly int _maxActive;
    private readonly int _minReady;
    private readonly IDisposable _subscription;
    private int _active;
    private int _ready;
    private bool _checking;

    public RolloutInvariant(IObjectStore store, string ns, int replicas, int maxSurge, int maxUnavailable)
    {
        _maxActive = replicas + maxSurge;
        _minReady = replicas - maxUnavailable;
        _subscription = store.Watch<Pod>(new WatchOptions { Namespace = ns }).Subscribe(this);
    }

    /// <summary>How many states were checked.</summary>
    public int States { get; private set; }

    /// <summary>How many checked states broke the invariant.</summary>
    public int Violations { get; private set; }

    /// <summary>Starts checking (the pods seen so far are counted, not checked).</summary>
    public void Start()
    {
        lock (_gate) _checking = true;
    }

    public void OnNext(WatchEvent<Pod> value)
    {
        if (value.Type == WatchEventType.Bookmark) return;
        var pod = value.Object;
        var active = value.Type != WatchEventType.Deleted && pod.Metadata.DeletionTimestamp is null && !pod.IsTerminal();
        var ready = active && pod.IsReady();
        lock (_gate)
        {
            if (_pods.Remove(pod.Metadata.Name!, out var before))
            {
                _active -= before.Active ? 1 : 0;
                _ready -= before.Ready ? 1 : 0;
            }
            if (value.Type != WatchEventType.Deleted) _pods[pod.Metadata.Name!] = (active, ready);
            _active += active ? 1 : 0;
            _ready += ready ? 1 : 0;
            if (!_checking) return;
            States++;
            if (_active > _maxActive || _ready < _minReady) Violations++;
        }
    }

    public void OnError(Exception error)
    {
        lock (_gate) Violations++;
    }

    public void OnCompleted()
    {
    }

    public void Dispose() => _subscription.Dispose();
}
