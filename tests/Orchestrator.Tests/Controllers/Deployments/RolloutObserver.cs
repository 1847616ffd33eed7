using System.Collections.Concurrent;
using Orchestrator.Api;
using Orchestrator.Api.Selectors;
using Orchestrator.Store;

namespace Orchestrator.Tests.Controllers.Deployments;

/// <summary>
/// Follows every pod of a Deployment through a store watch, from a consistent list, and checks an invariant on every state
/// the watch shows (each event is one store state, in resourceVersion order), recording the violations.
/// </summary>
internal sealed class RolloutObserver : IObserver<WatchEvent<Pod>>, IDisposable
{
    private readonly Selector _selector;
    private readonly Func<IReadOnlyCollection<Pod>, string?> _check;
    private readonly Dictionary<string, Pod> _pods = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly Lock _gate = new();
    private IDisposable? _subscription;
    private int _states;

    private RolloutObserver(Selector selector, Func<IReadOnlyCollection<Pod>, string?> check)
    {
        _selector = selector;
        _check = check;
    }

    /// <summary>How many states were checked.</summary>
    public int States => Volatile.Read(ref _states);

    /// <summary>The violations found, each with the state's description.</summary>
    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary>
    /// Starts observing the pods matching <paramref name="selector"/>; <paramref name="check"/> gets the pods of each state
    /// and returns a description of what is wrong with it, or null.
    /// </summary>
    public static async Task<RolloutObserver> StartAsync(
        IObjectStore store, string ns, string selector, Func<IReadOnlyCollection<Pod>, string?> check, CancellationToken ct)
    {
        var observer = new RolloutObserver(Selector.Parse(selector), check);
        var list = await store.ListAsync<Pod>(new ListOptions { Namespace = ns }, ct);
        lock (observer._gate)
        {
            foreach (var pod in list.Items.Where(p => observer._selector.Matches(p.Metadata.Labels))) observer._pods[pod.Metadata.Name!] = pod;
        }
        observer.Check();
        observer._subscription = store.Watch<Pod>(new WatchOptions { Namespace = ns, ResourceVersion = list.ResourceVersion }).Subscribe(observer);
        return observer;
    }

    public void OnNext(WatchEvent<Pod> value)
    {
        if (value.Type == WatchEventType.Bookmark) return;
        lock (_gate)
        {
            // A pod whose labels stop matching leaves the observed set as if deleted.
            if (value.Type == WatchEventType.Deleted || !_selector.Matches(value.Object.Metadata.Labels)) _pods.Remove(value.Object.Metadata.Name!);
            else _pods[value.Object.Metadata.Name!] = value.Object;
        }
        Check();
    }

    public void OnError(Exception error) => _violations.Enqueue($"watch failed: {error.Message}");

    public void OnCompleted()
    {
    }

    public void Dispose() => _subscription?.Dispose();

    private void Check()
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _states);
            if (_check(_pods.Values) is { } violation) _violations.Enqueue(violation);
        }
    }
}
