using Orchestrator.Api;
using Orchestrator.Scheduling;

namespace Orchestrator.Tests.Scheduling.Plugins;

/// <summary>Runs a filter plugin on hand-built snapshots, the way the scheduler does (pre-filter first).</summary>
internal static class FilterAssert
{
    /// <summary>The filter's reasons joined with "; ", or null on success.</summary>
    public static string? Run(IFilterPlugin plugin, Pod pod, Node node, IEnumerable<Node>? otherNodes = null, IEnumerable<Pod>? existing = null)
    {
        var context = SchedulingTestData.Context([node, .. otherNodes ?? []], existing);
        var info = new PodInfo(pod);
        if (plugin is IPreFilterPlugin preFilter)
        {
            var pre = preFilter.PreFilter(context, info);
            if (pre.IsSkip) return null;
            if (!pre.IsSuccess) return string.Join("; ", pre.Reasons);
        }
        var result = plugin.Filter(context, info, context.GetNode(node.Metadata.Name!)!);
        return result.IsSuccess ? null : string.Join("; ", result.Reasons);
    }

    /// <summary>Scores every node (in the given order) and normalizes, as the scheduler does.</summary>
    public static long[] Scores(IScorePlugin plugin, Pod pod, IReadOnlyList<Node> nodes, IEnumerable<Pod>? existing = null)
    {
        var context = SchedulingTestData.Context(nodes, existing);
        var info = new PodInfo(pod);
        var infos = nodes.Select(n => context.GetNode(n.Metadata.Name!)!).ToList();
        if (plugin is IPreScorePlugin preScore && !preScore.PreScore(context, info, infos)) return new long[infos.Count];
        var scores = infos.Select(n => plugin.Score(context, info, n)).ToArray();
        plugin.NormalizeScores(context, info, infos, scores);
        return scores;
    }
}
