namespace Orchestrator.Scheduling;

/// <summary>
/// Ranks the nodes that passed filtering. A node's final score is the sum over score plugins of the plugin's
/// normalized score (0 to <see cref="MaxNodeScore"/>) times the plugin's weight in the profile; the highest wins.
/// </summary>
public interface IScorePlugin : IPlugin
{
    /// <summary>The highest score a plugin gives a node after normalization.</summary>
    const long MaxNodeScore = 100;

    /// <summary>
    /// Scores <paramref name="node"/> for <paramref name="pod"/>. The raw score is either already in
    /// 0..<see cref="MaxNodeScore"/> or brought there by <see cref="NormalizeScores"/>.
    /// </summary>
    long Score(SchedulingContext context, PodInfo pod, NodeInfo node);

    /// <summary>
    /// Called once after <see cref="Score"/> ran for every feasible node, with the nodes and their raw scores in the
    /// same order, to map the scores into 0..<see cref="MaxNodeScore"/> in place (for example relative to the best
    /// node). The default keeps them.
    /// </summary>
    void NormalizeScores(SchedulingContext context, PodInfo pod, IReadOnlyList<NodeInfo> nodes, Span<long> scores)
    {
    }
}
