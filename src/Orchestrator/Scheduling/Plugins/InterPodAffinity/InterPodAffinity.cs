namespace Orchestrator.Scheduling.Plugins;

/// <summary>
/// Inter-pod affinity and anti-affinity (Kubernetes' <c>InterPodAffinity</c>). Filtering rejects a node when
/// <list type="number">
/// <item>one of the incoming pod's required affinity terms has no matching pod in the node's domain, or the node lacks
/// the term's topology label (<c>node(s) didn't match pod affinity rules</c>) — unless no pod anywhere matches and the
/// pod matches its own terms, so the first replica of a self-affine group can start;</item>
/// <item>a pod matching one of the incoming pod's required anti-affinity terms runs in the node's domain
/// (<c>node(s) didn't match pod anti-affinity rules</c>);</item>
/// <item>an existing pod's required anti-affinity term matches the incoming pod and that pod runs in the node's topology
/// domain (<c>node(s) didn't satisfy existing pods anti-affinity rules</c>).</item>
/// </list>
/// The first violated rule, in this order (Kubernetes' order), gives the reason.
/// Scoring adds, per topology domain, the weights of the incoming pod's preferred affinity terms matched by pods there,
/// subtracts those of its preferred anti-affinity terms, and does the same for existing pods' preferred terms (and
/// required affinity terms, with weight 1) that match the incoming pod; scores are then mapped min-max to 0..100.
/// </summary>
/// <remarks>
/// As in Kubernetes, the pre-filter step gathers topology-domain → matching-pod counts once per pod, so filtering a node
/// is a few dictionary lookups. Unlike Kubernetes, which scans every placed pod for each incoming pod, the counts come
/// from the cache's <see cref="AffinityIndex"/>, maintained as pods come and go, so the pre-filter step costs about the
/// same with 10 or 10,000 placed pods (terms with a label-based namespace selector are still counted by a scan).
/// </remarks>
internal sealed class InterPodAffinity : IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScorePlugin
{
    /// <summary>The reason for a node excluded by an existing pod's anti-affinity.</summary>
    public const string ErrExistingAntiAffinity = "node(s) didn't satisfy existing pods anti-affinity rules";

    /// <summary>The reason for a node that does not satisfy the pod's affinity.</summary>
    public const string ErrAffinity = "node(s) didn't match pod affinity rules";

    /// <summary>The reason for a node that does not satisfy the pod's anti-affinity.</summary>
    public const string ErrAntiAffinity = "node(s) didn't match pod anti-affinity rules";

    /// <summary>The weight of an existing pod's required affinity term matching the incoming pod (Kubernetes' hardPodAffinityWeight).</summary>
    public const long HardPodAffinityWeight = 1;

    private static readonly FilterResult AffinityRejected = FilterResult.Unschedulable(ErrAffinity);
    private static readonly FilterResult AntiAffinityRejected = FilterResult.Unschedulable(ErrAntiAffinity);
    private static readonly FilterResult ExistingAntiAffinityRejected = FilterResult.Unschedulable(ErrExistingAntiAffinity);

    private const string FilterStateKey = SchedulerPlugins.InterPodAffinity + "/filter";
    private const string ScoreStateKey = SchedulerPlugins.InterPodAffinity + "/score";

    /// <inheritdoc/>
    public string Name => SchedulerPlugins.InterPodAffinity;

    /// <inheritdoc/>
    public FilterResult PreFilter(SchedulingContext context, PodInfo pod)
    {
        var state = ComputeFilterState(context, pod);
        if (state.IsEmpty) return FilterResult.Skip;
        context.SetState(FilterStateKey, state);
        return FilterResult.Success;
    }

    /// <inheritdoc/>
    public FilterResult Filter(SchedulingContext context, PodInfo pod, NodeInfo node)
    {
        var state = context.GetState<FilterState>(FilterStateKey) ?? ComputeFilterState(context, pod);
        if (state.IsEmpty) return FilterResult.Success;
        return Check(state, pod, node) switch
        {
            null => FilterResult.Success,
            ErrAffinity => AffinityRejected,
            ErrAntiAffinity => AntiAffinityRejected,
            _ => ExistingAntiAffinityRejected,
        };
    }

    /// <inheritdoc/>
    public bool PreScore(SchedulingContext context, PodInfo pod, IReadOnlyList<NodeInfo> feasibleNodes)
    {
        var state = ComputeScoreState(context, pod);
        if (state.Scores.Count == 0) return false;
        context.SetState(ScoreStateKey, state);
        return true;
    }

    /// <inheritdoc/>
    public long Score(SchedulingContext context, PodInfo pod, NodeInfo node)
    {
        var state = context.GetState<ScoreState>(ScoreStateKey);
        if (state is null || state.Scores.Count == 0) return 0;
        long score = 0;
        var labels = node.LabelMap;
        foreach (var key in state.TopologyKeys)
        {
            if (labels.TryGetValue(key, out var value) && state.Scores.TryGetValue(new TopologyPair(key, value), out var s)) score += s;
        }
        return score;
    }

    /// <inheritdoc/>
    public void NormalizeScores(SchedulingContext context, PodInfo pod, IReadOnlyList<NodeInfo> nodes, Span<long> scores)
    {
        var state = context.GetState<ScoreState>(ScoreStateKey);
        if (state is null || state.Scores.Count == 0) return;
        ScoreNormalization.MinMax(scores);
    }

    /// <summary>
    /// Precomputes the topology counts filtering needs for <paramref name="pod"/>. Counts come from the cache's
    /// incrementally maintained <see cref="AffinityIndex"/>; terms with a label-based namespace selector are counted
    /// by scanning every placed pod, as Kubernetes does for all terms.
    /// </summary>
    public static FilterState ComputeFilterState(SchedulingContext context, PodInfo pod)
    {
        var cache = context.Cache;
        var hasTerms = pod.RequiredAffinityTerms.Length + pod.RequiredAntiAffinityTerms.Length > 0;
        if (!hasTerms && cache.PodsWithRequiredAntiAffinity == 0) return FilterState.Empty;

        var nsLabels = context.NamespaceLabels;
        var existing = new List<AffinityIndex.CarrierGroup>();
        if (cache.PodsWithRequiredAntiAffinity > 0)
        {
            foreach (var carrier in cache.Affinity.Carriers)
            {
                if (carrier.Counts.Count > 0 && carrier.Term.Matches(pod, nsLabels)) existing.Add(carrier);
            }
        }
        if (!hasTerms && existing.Count == 0) return FilterState.Empty;

        var terms = pod.RequiredAffinityTerms;
        var affinity = terms.Length == 0 ? []
            : Array.TrueForAll(terms, t => t.IndependentOfNamespaceLabels)
                ? cache.Affinity.MatchCounts(terms, pod.RequiredAffinitySignature)
                : Scan(context, terms);
        var antiAffinity = new Dictionary<string, int>[pod.RequiredAntiAffinityTerms.Length];
        for (var i = 0; i < antiAffinity.Length; i++)
        {
            var term = pod.RequiredAntiAffinityTerms[i];
            antiAffinity[i] = term.IndependentOfNamespaceLabels ? cache.Affinity.MatchCounts([term], term.Signature)[0] : Scan(context, [term])[0];
        }
        var selfAffine = terms.Length > 0 && MatchesAll(terms, pod, null);
        return new FilterState(affinity, antiAffinity, existing, selfAffine);
    }

    /// <summary>The reason <paramref name="node"/> violates an affinity rule, or null when it satisfies all.</summary>
    public static string? Check(FilterState state, PodInfo pod, NodeInfo node)
    {
        var terms = pod.RequiredAffinityTerms;
        if (terms.Length > 0)
        {
            var podsExist = true;
            var anyMatch = false;
            for (var i = 0; i < terms.Length; i++)
            {
                if (!node.TryGetTopologyValue(terms[i], out var value)) return ErrAffinity;
                var counts = state.Affinity[i];
                anyMatch |= counts.Count > 0;
                if (counts.GetValueOrDefault(value) <= 0) podsExist = false;
            }
            // The first pod of a group with affinity to itself may go anywhere its terms' topology labels exist.
            if (!podsExist && !(!anyMatch && state.SelfAffine)) return ErrAffinity;
        }

        var antiTerms = pod.RequiredAntiAffinityTerms;
        for (var i = 0; i < antiTerms.Length; i++)
        {
            var counts = state.AntiAffinity[i];
            if (counts.Count > 0 && node.TryGetTopologyValue(antiTerms[i], out var value) && counts.GetValueOrDefault(value) > 0)
            {
                return ErrAntiAffinity;
            }
        }

        foreach (var carrier in state.ExistingAntiAffinity)
        {
            if (node.TryGetTopologyValue(carrier.Term, out var value) && carrier.Counts.GetValueOrDefault(value) > 0)
            {
                return ErrExistingAntiAffinity;
            }
        }
        return null;
    }

    // Counts, per term, the placed pods matching all terms by value of the term's topology key (Kubernetes' scan).
    private static Dictionary<string, int>[] Scan(SchedulingContext context, AffinityTerm[] terms)
    {
        var counts = new Dictionary<string, int>[terms.Length];
        for (var i = 0; i < terms.Length; i++) counts[i] = new Dictionary<string, int>(StringComparer.Ordinal);
        var nsLabels = context.NamespaceLabels;
        foreach (var node in context.Cache.NodeList)
        {
            foreach (var existing in node.PodList)
            {
                if (!MatchesAll(terms, existing, nsLabels)) continue;
                for (var i = 0; i < terms.Length; i++) AffinityIndex.Count(counts[i], node, terms[i], +1);
            }
        }
        return counts;
    }

    /// <summary>
    /// Precomputes the per-domain scores for <paramref name="pod"/>: over every pod when the pod has preferred terms,
    /// otherwise only over the pods whose own terms can score it.
    /// </summary>
    public static ScoreState ComputeScoreState(SchedulingContext context, PodInfo pod)
    {
        var state = new ScoreState();
        var incomingPreferred = pod.PreferredAffinityTerms.Length + pod.PreferredAntiAffinityTerms.Length > 0;
        if (!incomingPreferred && context.Cache.PodsAffectingAffinityScores == 0) return state;
        var nsLabels = context.NamespaceLabels;
        var nodes = context.Cache.NodeList;
        for (var n = 0; n < nodes.Count; n++)
        {
            var node = nodes[n];
            if (node.LabelMap.Count == 0) continue;
            var pods = incomingPreferred ? node.PodList : node.PodsWithAffinity;
            for (var i = 0; i < pods.Count; i++)
            {
                var existing = pods[i];
                if (incomingPreferred)
                {
                    foreach (var term in pod.PreferredAffinityTerms)
                    {
                        if (term.Matches(existing, nsLabels)) state.Add(node, term.TopologyKey, term.Weight);
                    }
                    foreach (var term in pod.PreferredAntiAffinityTerms)
                    {
                        if (term.Matches(existing, nsLabels)) state.Add(node, term.TopologyKey, -term.Weight);
                    }
                }
                if (!existing.AffectsAffinityScores) continue;
                foreach (var term in existing.RequiredAffinityTerms)
                {
                    if (term.Matches(pod, nsLabels)) state.Add(node, term.TopologyKey, HardPodAffinityWeight);
                }
                foreach (var term in existing.PreferredAffinityTerms)
                {
                    if (term.Matches(pod, nsLabels)) state.Add(node, term.TopologyKey, term.Weight);
                }
                foreach (var term in existing.PreferredAntiAffinityTerms)
                {
                    if (term.Matches(pod, nsLabels)) state.Add(node, term.TopologyKey, -term.Weight);
                }
            }
        }
        return state;
    }

    private static bool MatchesAll(AffinityTerm[] terms, PodInfo pod, Func<string, IReadOnlyDictionary<string, string>?>? nsLabels)
    {
        foreach (var term in terms)
        {
            if (!term.Matches(pod, nsLabels)) return false;
        }
        return true;
    }

    /// <summary>
    /// What filtering one pod needs: matching-pod counts by value of each term's topology key. The dictionaries may be
    /// the cache's live counts: do not modify them.
    /// </summary>
    public sealed class FilterState(
        Dictionary<string, int>[] affinity,
        Dictionary<string, int>[] antiAffinity,
        List<AffinityIndex.CarrierGroup> existingAntiAffinity,
        bool selfAffine)
    {
        /// <summary>State for a pod without required terms that no placed pod's anti-affinity concerns.</summary>
        public static readonly FilterState Empty = new([], [], [], false) { IsEmpty = true };

        /// <summary>True when filtering can pass every node without looking.</summary>
        public bool IsEmpty { get; private init; }

        /// <summary>Per required affinity term, the pods matching all of the incoming pod's required affinity terms by domain.</summary>
        public Dictionary<string, int>[] Affinity { get; } = affinity;

        /// <summary>Per required anti-affinity term of the incoming pod, the pods matching it by domain.</summary>
        public Dictionary<string, int>[] AntiAffinity { get; } = antiAffinity;

        /// <summary>The placed pods' anti-affinity terms that match the incoming pod, with the domains they guard.</summary>
        public List<AffinityIndex.CarrierGroup> ExistingAntiAffinity { get; } = existingAntiAffinity;

        /// <summary>True when the pod matches all its own required affinity terms.</summary>
        public bool SelfAffine { get; } = selfAffine;
    }

    /// <summary>A topology domain: a node label key and value.</summary>
    public readonly record struct TopologyPair(string Key, string Value);

    /// <summary>Summed preference weights per topology domain, for scoring one pod.</summary>
    public sealed class ScoreState
    {
        /// <summary>The score per domain.</summary>
        public Dictionary<TopologyPair, long> Scores { get; } = [];

        /// <summary>The distinct topology keys in <see cref="Scores"/>.</summary>
        public List<string> TopologyKeys { get; } = [];

        /// <summary>Adds <paramref name="weight"/> to the domain of <paramref name="node"/> for <paramref name="topologyKey"/>.</summary>
        public void Add(NodeInfo node, string topologyKey, long weight)
        {
            if (!node.LabelMap.TryGetValue(topologyKey, out var value)) return;
            var pair = new TopologyPair(topologyKey, value);
            Scores[pair] = Scores.GetValueOrDefault(pair) + weight;
            if (!TopologyKeys.Contains(topologyKey)) TopologyKeys.Add(topologyKey);
        }
    }
}
