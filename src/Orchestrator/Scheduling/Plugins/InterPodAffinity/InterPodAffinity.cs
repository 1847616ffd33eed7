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
/// As in Kubernetes, the pre-filter step precomputes topology-domain → matching-pod counts once per pod, so filtering a
/// node is a few dictionary lookups.
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

    private const string FilterStateKey = SchedulerPlugins.InterPodAffinity + "/filter";
    private const string ScoreStateKey = SchedulerPlugins.InterPodAffinity + "/score";

    /// <inheritdoc/>
    public string Name => SchedulerPlugins.InterPodAffinity;

    /// <inheritdoc/>
    public FilterResult PreFilter(SchedulingContext context, PodInfo pod)
    {
        context.SetState(FilterStateKey, ComputeFilterState(context, pod));
        return FilterResult.Success;
    }

    /// <inheritdoc/>
    public FilterResult Filter(SchedulingContext context, PodInfo pod, NodeInfo node)
    {
        var state = context.GetState<FilterState>(FilterStateKey) ?? ComputeFilterState(context, pod);
        if (state.IsEmpty) return FilterResult.Success;
        var reason = Check(state, pod, node);
        return reason is null ? FilterResult.Success : FilterResult.Unschedulable(reason);
    }

    /// <inheritdoc/>
    public void PreScore(SchedulingContext context, PodInfo pod, IReadOnlyList<NodeInfo> feasibleNodes) =>
        context.SetState(ScoreStateKey, ComputeScoreState(context, pod));

    /// <inheritdoc/>
    public long Score(SchedulingContext context, PodInfo pod, NodeInfo node)
    {
        var state = context.GetState<ScoreState>(ScoreStateKey);
        if (state is null || state.Scores.Count == 0) return 0;
        long score = 0;
        var labels = node.Labels;
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

    /// <summary>Precomputes the topology counts filtering needs for <paramref name="pod"/>.</summary>
    public static FilterState ComputeFilterState(SchedulingContext context, PodInfo pod)
    {
        var cache = context.Cache;
        var hasTerms = pod.RequiredAffinityTerms.Length + pod.RequiredAntiAffinityTerms.Length > 0;
        if (!hasTerms && cache.PodsWithRequiredAntiAffinity == 0) return FilterState.Empty;

        var state = new FilterState(pod.RequiredAffinityTerms.Length > 0, pod.RequiredAntiAffinityTerms.Length > 0);
        var nsLabels = context.NamespaceLabels;
        foreach (var node in context.Nodes)
        {
            if (cache.PodsWithRequiredAntiAffinity > 0 && node.PodsWithRequiredAntiAffinity > 0)
            {
                foreach (var existing in node.Pods)
                {
                    foreach (var term in existing.RequiredAntiAffinityTerms)
                    {
                        if (term.Matches(pod, nsLabels)) Increment(state.ExistingAntiAffinity, node, term.TopologyKey);
                    }
                }
            }
            if (!hasTerms || node.Pods.Count == 0) continue;
            foreach (var existing in node.Pods)
            {
                if (pod.RequiredAffinityTerms.Length > 0 && MatchesAll(pod.RequiredAffinityTerms, existing, nsLabels))
                {
                    foreach (var term in pod.RequiredAffinityTerms) Increment(state.Affinity, node, term.TopologyKey);
                }
                foreach (var term in pod.RequiredAntiAffinityTerms)
                {
                    if (term.Matches(existing, nsLabels)) Increment(state.AntiAffinity, node, term.TopologyKey);
                }
            }
        }
        state.SelfAffine = pod.RequiredAffinityTerms.Length > 0 && MatchesAll(pod.RequiredAffinityTerms, pod, null);
        return state;
    }

    /// <summary>The reason <paramref name="node"/> violates an affinity rule, or null when it satisfies all.</summary>
    public static string? Check(FilterState state, PodInfo pod, NodeInfo node)
    {
        var labels = node.Labels;
        if (state.HasAffinityTerms)
        {
            var podsExist = true;
            foreach (var term in pod.RequiredAffinityTerms)
            {
                if (!labels.TryGetValue(term.TopologyKey, out var value)) return ErrAffinity;
                if (state.Affinity.GetValueOrDefault(new TopologyPair(term.TopologyKey, value)) <= 0) podsExist = false;
            }
            if (!podsExist && !(state.Affinity.Count == 0 && state.SelfAffine)) return ErrAffinity;
        }

        if (state.HasAntiAffinityTerms && state.AntiAffinity.Count > 0)
        {
            foreach (var term in pod.RequiredAntiAffinityTerms)
            {
                if (labels.TryGetValue(term.TopologyKey, out var value) &&
                    state.AntiAffinity.GetValueOrDefault(new TopologyPair(term.TopologyKey, value)) > 0)
                {
                    return ErrAntiAffinity;
                }
            }
        }

        if (state.ExistingAntiAffinity.Count > 0)
        {
            foreach (var (key, value) in labels)
            {
                if (state.ExistingAntiAffinity.GetValueOrDefault(new TopologyPair(key, value)) > 0) return ErrExistingAntiAffinity;
            }
        }
        return null;
    }

    /// <summary>Precomputes the per-domain scores for <paramref name="pod"/>.</summary>
    public static ScoreState ComputeScoreState(SchedulingContext context, PodInfo pod)
    {
        var state = new ScoreState();
        var incomingPreferred = pod.PreferredAffinityTerms.Length + pod.PreferredAntiAffinityTerms.Length > 0;
        if (!incomingPreferred && context.Cache.PodsWithAffinity == 0) return state;
        var nsLabels = context.NamespaceLabels;
        foreach (var node in context.Nodes)
        {
            if (node.Pods.Count == 0 || node.Labels.Count == 0) continue;
            if (!incomingPreferred && node.PodsWithAffinity == 0) continue;
            foreach (var existing in node.Pods)
            {
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
                if (!existing.HasAffinity) continue;
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

    private static void Increment(Dictionary<TopologyPair, int> counts, NodeInfo node, string topologyKey)
    {
        if (!node.Labels.TryGetValue(topologyKey, out var value)) return;
        var pair = new TopologyPair(topologyKey, value);
        counts[pair] = counts.GetValueOrDefault(pair) + 1;
    }

    /// <summary>A topology domain: a node label key and value.</summary>
    public readonly record struct TopologyPair(string Key, string Value);

    /// <summary>Matching-pod counts per topology domain, for filtering one pod.</summary>
    public sealed class FilterState(bool hasAffinityTerms, bool hasAntiAffinityTerms)
    {
        /// <summary>State for a pod without required terms in a cluster without required anti-affinity.</summary>
        public static readonly FilterState Empty = new(false, false) { IsEmpty = true };

        /// <summary>True when filtering can pass every node without looking.</summary>
        public bool IsEmpty { get; private init; }

        /// <summary>True when the pod has required affinity terms.</summary>
        public bool HasAffinityTerms { get; } = hasAffinityTerms;

        /// <summary>True when the pod has required anti-affinity terms.</summary>
        public bool HasAntiAffinityTerms { get; } = hasAntiAffinityTerms;

        /// <summary>True when the pod matches all its own required affinity terms.</summary>
        public bool SelfAffine { get; set; }

        /// <summary>Domains with existing pods whose required anti-affinity matches the incoming pod.</summary>
        public Dictionary<TopologyPair, int> ExistingAntiAffinity { get; } = [];

        /// <summary>Domains with pods matching all the incoming pod's required affinity terms.</summary>
        public Dictionary<TopologyPair, int> Affinity { get; } = [];

        /// <summary>Domains with pods matching one of the incoming pod's required anti-affinity terms.</summary>
        public Dictionary<TopologyPair, int> AntiAffinity { get; } = [];
    }

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
            if (!node.Labels.TryGetValue(topologyKey, out var value)) return;
            var pair = new TopologyPair(topologyKey, value);
            Scores[pair] = Scores.GetValueOrDefault(pair) + weight;
            if (!TopologyKeys.Contains(topologyKey)) TopologyKeys.Add(topologyKey);
        }
    }
}
