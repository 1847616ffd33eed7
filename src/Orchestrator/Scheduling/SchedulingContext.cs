namespace Orchestrator.Scheduling;

/// <summary>
/// What plugins see of one scheduling cycle (Kubernetes' <c>CycleState</c> plus the cycle's node snapshot): the nodes,
/// and per-pod state that a plugin's <see cref="IPreFilterPlugin.PreFilter"/> or <see cref="IPreScorePlugin.PreScore"/>
/// stores for its later <see cref="IFilterPlugin.Filter"/> or <see cref="IScorePlugin.Score"/> calls.
/// </summary>
/// <remarks>
/// Valid for the duration of one cycle; state written in one cycle is gone in the next. Not thread-safe: the scheduler
/// runs a cycle on one thread.
/// </remarks>
public sealed class SchedulingContext
{
    private readonly Dictionary<string, object> _state = new(StringComparer.Ordinal);
    private readonly Func<string, IReadOnlyDictionary<string, string>?> _namespaceLabels;
    private string? _lastKey;
    private object? _lastValue;

    internal SchedulingContext(SchedulerCache cache)
    {
        Cache = cache;
        _namespaceLabels = cache.GetNamespaceLabels;
    }

    /// <summary>Every node that pods can be placed on (known, not deleted), in the scheduler's stable order.</summary>
    public IReadOnlyList<NodeInfo> Nodes => Cache.Nodes;

    /// <summary>The node named <paramref name="name"/>, or null when the scheduler does not know it.</summary>
    public NodeInfo? GetNode(string name) => Cache.GetNode(name);

    /// <summary>Stores <paramref name="state"/> under <paramref name="key"/> (usually the plugin's name) for this cycle.</summary>
    public void SetState(string key, object state)
    {
        _state[key] = state;
        _lastKey = null;
    }

    /// <summary>The state stored under <paramref name="key"/> in this cycle, or null.</summary>
    public T? GetState<T>(string key) where T : class
    {
        // Filters read their state once per node: remember the last lookup.
        if (ReferenceEquals(key, _lastKey)) return _lastValue as T;
        _state.TryGetValue(key, out var value);
        _lastKey = key;
        _lastValue = value;
        return value as T;
    }

    internal SchedulerCache Cache { get; }

    /// <summary>Resolves a namespace's labels for affinity terms with a namespace selector.</summary>
    internal Func<string, IReadOnlyDictionary<string, string>?> NamespaceLabels => _namespaceLabels;

    /// <summary>Clears the per-pod state before the next cycle.</summary>
    internal void Reset()
    {
        _state.Clear();
        _lastKey = null;
        _lastValue = null;
    }
}
