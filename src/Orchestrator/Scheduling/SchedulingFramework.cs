using System.Runtime.InteropServices;

namespace Orchestrator.Scheduling;

/// <summary>
/// Runs one profile's plugins for one pod (Kubernetes' <c>frameworkImpl</c> plus <c>schedulePod</c>): pre-filter,
/// filter (stopping once enough feasible nodes are found), pre-score, score and normalize, weighted sum, and selection of
/// the best node with ties broken at random.
/// </summary>
/// <remarks>Not thread-safe; one instance per profile, used by the scheduling thread only.</remarks>
internal sealed class SchedulingFramework
{
    /// <summary>Below this many nodes every node is filtered (Kubernetes' <c>minFeasibleNodesToFind</c>).</summary>
    public const int MinFeasibleNodesToFind = 100;

    /// <summary>The lowest adaptive percentage (Kubernetes' <c>minFeasibleNodesPercentageToFind</c>).</summary>
    public const int MinFeasibleNodesPercentageToFind = 5;

    private readonly IPreFilterPlugin[] _preFilters;
    private readonly IFilterPlugin[] _filters;
    private readonly IPreScorePlugin[] _preScores;
    private readonly (IScorePlugin Plugin, int Weight)[] _scores;
    private readonly int _percentageOfNodesToScore;
    private readonly Func<int, int> _random;
    private readonly Dictionary<string, int> _reasonCounts = new(StringComparer.Ordinal);
    private readonly HashSet<IPlugin> _skipped = new(ReferenceEqualityComparer.Instance);
    private readonly List<IFilterPlugin> _activeFilters = [];
    private readonly List<(IScorePlugin Plugin, int Weight)> _activeScores = [];
    private readonly List<NodeInfo> _feasible = [];
    private long[] _totals = [];
    private long[] _pluginScores = [];
    private int _nextStartNodeIndex;

    /// <summary>Builds the pipeline of <paramref name="profile"/> from the available plugins.</summary>
    /// <exception cref="InvalidOperationException">The profile names an unknown plugin, or a plugin lacking the extension point.</exception>
    public SchedulingFramework(SchedulerProfile profile, IReadOnlyDictionary<string, IPlugin> plugins, int percentageOfNodesToScore, Func<int, int> random)
    {
        Profile = profile;
        _percentageOfNodesToScore = percentageOfNodesToScore;
        _random = random;
        var filters = profile.Filters.Select(name => Resolve<IFilterPlugin>(plugins, name, "filter")).ToArray();
        _filters = filters;
        _preFilters = filters.OfType<IPreFilterPlugin>().ToArray();
        var scores = profile.Scores
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => (Plugin: Resolve<IScorePlugin>(plugins, s.Key, "score"), Weight: s.Value))
            .ToArray();
        foreach (var (plugin, weight) in scores)
        {
            if (weight <= 0) throw new InvalidOperationException($"Score plugin \"{plugin.Name}\" of profile \"{profile.SchedulerName}\" needs a positive weight, not {weight}.");
        }
        _scores = scores;
        _preScores = scores.Select(s => s.Plugin).OfType<IPreScorePlugin>().ToArray();
    }

    /// <summary>The profile this pipeline runs.</summary>
    public SchedulerProfile Profile { get; }

    /// <summary>
    /// How many feasible nodes to find among <paramref name="allNodes"/> before scoring (Kubernetes'
    /// <c>numFeasibleNodesToFind</c>): all below 100 nodes or at 100 %; otherwise the configured percentage, or
    /// <c>50 - nodes/125</c> (at least 5) when it is 0; never fewer than 100.
    /// </summary>
    public static int NumFeasibleNodesToFind(int allNodes, int percentageOfNodesToScore)
    {
        if (allNodes < MinFeasibleNodesToFind || percentageOfNodesToScore >= 100) return allNodes;
        var percentage = percentageOfNodesToScore;
        if (percentage <= 0)
        {
            percentage = 50 - allNodes / 125;
            if (percentage < MinFeasibleNodesPercentageToFind) percentage = MinFeasibleNodesPercentageToFind;
        }
        var count = (int)((long)allNodes * percentage / 100);
        return count < MinFeasibleNodesToFind ? MinFeasibleNodesToFind : count;
    }

    /// <summary>Finds the best node for <paramref name="pod"/> in the nodes of <paramref name="context"/>.</summary>
    public ScheduleResult Schedule(SchedulingContext context, PodInfo pod)
    {
        context.Reset();
        var nodes = context.Cache.NodeList;
        var total = nodes.Count;
        if (total == 0) return new ScheduleResult(null, 0, 0, ScheduleResult.NoNodesAvailable);

        _skipped.Clear();
        foreach (var plugin in _preFilters)
        {
            var result = plugin.PreFilter(context, pod);
            if (result.IsSkip) _skipped.Add(plugin);
            else if (!result.IsSuccess) return new ScheduleResult(null, 0, 0, $"0/{total} nodes are available: {string.Join(", ", result.Reasons)}.");
        }
        _activeFilters.Clear();
        foreach (var filter in _filters)
        {
            if (_skipped.Count == 0 || !_skipped.Contains(filter)) _activeFilters.Add(filter);
        }

        _feasible.Clear();
        _reasonCounts.Clear();
        var toFind = NumFeasibleNodesToFind(total, _percentageOfNodesToScore);
        var start = _nextStartNodeIndex % total;
        var processed = 0;
        var filters = _activeFilters;
        for (var i = 0; i < total; i++)
        {
            var index = start + i;
            if (index >= total) index -= total;
            var node = nodes[index];
            processed++;
            var fits = true;
            for (var f = 0; f < filters.Count; f++)
            {
                var result = filters[f].Filter(context, pod, node);
                if (result.IsSuccess) continue;
                fits = false;
                foreach (var reason in result.ReasonArray!) CollectionsMarshal.GetValueRefOrAddDefault(_reasonCounts, reason, out _)++;
                break;
            }
            if (!fits) continue;
            _feasible.Add(node);
            if (_feasible.Count >= toFind) break;
        }
        _nextStartNodeIndex = (start + processed) % total;

        if (_feasible.Count == 0)
        {
            return new ScheduleResult(null, processed, 0, ScheduleResult.FormatUnschedulable(total, _reasonCounts));
        }
        if (_feasible.Count == 1 || _scores.Length == 0)
        {
            return new ScheduleResult(_feasible[0].Name, processed, _feasible.Count, null);
        }
        return new ScheduleResult(SelectHost(context, pod), processed, _feasible.Count, null);
    }

    private string SelectHost(SchedulingContext context, PodInfo pod)
    {
        var count = _feasible.Count;
        _skipped.Clear();
        foreach (var plugin in _preScores)
        {
            if (!plugin.PreScore(context, pod, _feasible)) _skipped.Add(plugin);
        }
        _activeScores.Clear();
        foreach (var score in _scores)
        {
            if (_skipped.Count == 0 || !_skipped.Contains(score.Plugin)) _activeScores.Add(score);
        }
        if (_totals.Length < count)
        {
            _totals = new long[count];
            _pluginScores = new long[count];
        }
        var totals = _totals.AsSpan(0, count);
        var scores = _pluginScores.AsSpan(0, count);
        totals.Clear();
        foreach (var (plugin, weight) in _activeScores)
        {
            for (var i = 0; i < count; i++) scores[i] = plugin.Score(context, pod, _feasible[i]);
            plugin.NormalizeScores(context, pod, _feasible, scores);
            for (var i = 0; i < count; i++) totals[i] += scores[i] * weight;
        }

        // Reservoir sampling among the nodes with the highest score, as Kubernetes' selectHost does.
        var best = 0;
        var ties = 1;
        for (var i = 1; i < count; i++)
        {
            if (totals[i] > totals[best])
            {
                best = i;
                ties = 1;
            }
            else if (totals[i] == totals[best] && _random(++ties) == 0)
            {
                best = i;
            }
        }
        return _feasible[best].Name;
    }

    private static T Resolve<T>(IReadOnlyDictionary<string, IPlugin> plugins, string name, string point) where T : class, IPlugin
    {
        if (!plugins.TryGetValue(name, out var plugin))
        {
            throw new InvalidOperationException(
                $"Unknown scheduler plugin \"{name}\"; known plugins: {string.Join(", ", plugins.Keys.Order(StringComparer.Ordinal))}.");
        }
        return plugin as T ?? throw new InvalidOperationException($"Scheduler plugin \"{name}\" cannot be used as a {point} plugin.");
    }
}
