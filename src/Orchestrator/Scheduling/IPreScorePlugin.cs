namespace Orchestrator.Scheduling;

/// <summary>
/// Runs once per scheduling cycle, after filtering and before any <see cref="IScorePlugin.Score"/> call of the same
/// plugin, with the nodes that passed every filter. A plugin implementing this is a score plugin too and is enabled by
/// naming it among a profile's scores.
/// </summary>
public interface IPreScorePlugin : IPlugin
{
    /// <summary>
    /// Prepares scoring of <paramref name="pod"/> on <paramref name="feasibleNodes"/>, keeping state in
    /// <paramref name="context"/>. Returns false when the plugin has no preference for this pod (for example spreading
    /// for a pod without a controller): its <see cref="IScorePlugin.Score"/> is then not called and it adds 0 to every node.
    /// </summary>
    bool PreScore(SchedulingContext context, PodInfo pod, IReadOnlyList<NodeInfo> feasibleNodes);
}
