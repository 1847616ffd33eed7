namespace Orchestrator.Scheduling;

/// <summary>
/// Incrementally maintained topology counts for inter-pod affinity, so that the per-pod pre-filter step does not scan
/// every pod of the cluster (Kubernetes scans, in parallel; this keeps the same counts up to date as pods come and go):
/// <list type="bullet">
/// <item>for each distinct required anti-affinity term of placed pods: how many pods carrying it run in each topology
/// domain (rule "existing pods' anti-affinity");</item>
/// <item>for each distinct group of terms that incoming pods asked about: how many placed pods match all of them in
/// each domain (rules "affinity" and "anti-affinity"), registered on first use and then updated on every change.</item>
/// </list>
/// Terms whose namespace selector depends on namespace labels are not indexed; callers scan for them instead.
/// Counts depend on node labels, so a label change of a node with pods rebuilds the index lazily.
/// </summary>
/// <remarks>Not thread-safe: owned by the <see cref="SchedulerCache"/> and used on the scheduling thread.</remarks>
internal sealed class AffinityIndex(SchedulerCache cache)
{
    /// <summary>More match groups than this are dropped and registered again as needed.</summary>
    public const int MaxMatchGroups = 256;

    private readonly Dictionary<string, CarrierGroup> _carriers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MatchGroup> _matchGroups = new(StringComparer.Ordinal);
    private bool _dirty;

    /// <summary>The distinct required anti-affinity terms of placed pods with the domains their carriers run in.</summary>
    public IEnumerable<CarrierGroup> Carriers
    {
        get
        {
            EnsureFresh();
            return _carriers.Values;
        }
    }

    /// <summary>
    /// Per term, the number of placed pods matching all <paramref name="terms"/> by value of the term's topology key,
    /// registering the group on first use. The result is live: do not modify it.
    /// </summary>
    public Dictionary<string, int>[] MatchCounts(AffinityTerm[] terms, string signature)
    {
        EnsureFresh();
        if (_matchGroups.TryGetValue(signature, out var group)) return group.Counts;
        if (_matchGroups.Count >= MaxMatchGroups) _matchGroups.Clear();
        group = new MatchGroup(terms);
        foreach (var node in cache.NodeList)
        {
            foreach (var pod in node.PodList) group.Apply(pod, node, +1);
        }
        _matchGroups.Add(signature, group);
        return group.Counts;
    }

    /// <summary>Counts a pod placed on <paramref name="node"/>.</summary>
    public void Added(PodInfo pod, NodeInfo node) => Apply(pod, node, +1);

    /// <summary>Uncounts a pod removed from <paramref name="node"/>.</summary>
    public void Removed(PodInfo pod, NodeInfo node) => Apply(pod, node, -1);

    /// <summary>Marks every count stale (node labels changed, or a node with pods appeared or went away).</summary>
    public void Invalidate() => _dirty = true;

    private void Apply(PodInfo pod, NodeInfo node, int delta)
    {
        if (_dirty || node.IsPlaceholder) return;
        foreach (var term in pod.RequiredAntiAffinityTerms)
        {
            if (!_carriers.TryGetValue(term.Signature, out var carrier))
            {
                if (delta < 0) continue;
                carrier = new CarrierGroup(term);
                _carriers.Add(term.Signature, carrier);
            }
            Count(carrier.Counts, node, term, delta);
            if (carrier.Counts.Count == 0) _carriers.Remove(term.Signature);
        }
        foreach (var group in _matchGroups.Values) group.Apply(pod, node, delta);
    }

    private void EnsureFresh()
    {
        if (!_dirty) return;
        _dirty = false;
        _carriers.Clear();
        _matchGroups.Clear();
        foreach (var node in cache.NodeList)
        {
            foreach (var pod in node.PodsWithRequiredAntiAffinity) Apply(pod, node, +1);
        }
    }

    /// <summary>Adds <paramref name="delta"/> to the count of the node's value of the term's topology key (nodes without the label do not count).</summary>
    internal static void Count(Dictionary<string, int> counts, NodeInfo node, AffinityTerm term, int delta)
    {
        if (!node.TryGetTopologyValue(term, out var value)) return;
        var count = counts.GetValueOrDefault(value) + delta;
        if (count <= 0) counts.Remove(value);
        else counts[value] = count;
    }

    /// <summary>Where the placed pods carrying one required anti-affinity term run.</summary>
    /// <param name="Term">The term (one of the identical terms).</param>
    public sealed record CarrierGroup(AffinityTerm Term)
    {
        /// <summary>Carriers by value of the node label <see cref="AffinityTerm.TopologyKey"/>.</summary>
        public Dictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);
    }

    private sealed class MatchGroup
    {
        private readonly AffinityTerm[] _terms;

        public MatchGroup(AffinityTerm[] terms)
        {
            _terms = terms;
            Counts = new Dictionary<string, int>[terms.Length];
            for (var i = 0; i < terms.Length; i++) Counts[i] = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        public Dictionary<string, int>[] Counts { get; }

        public void Apply(PodInfo pod, NodeInfo node, int delta)
        {
            foreach (var term in _terms)
            {
                if (!term.Matches(pod, null)) return;
            }
            for (var i = 0; i < _terms.Length; i++) Count(Counts[i], node, _terms[i], delta);
        }
    }
}
