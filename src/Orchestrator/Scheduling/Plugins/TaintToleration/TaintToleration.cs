using Orchestrator.Api;

namespace Orchestrator.Scheduling.Plugins;

/// <summary>
/// Filters out nodes with a <c>NoSchedule</c> or <c>NoExecute</c> taint the pod does not tolerate, and scores nodes
/// lower the more <c>PreferNoSchedule</c> taints the pod does not tolerate.
/// </summary>
internal sealed class TaintToleration : IFilterPlugin, IScorePlugin
{
    /// <inheritdoc/>
    public string Name => SchedulerPlugins.TaintToleration;

    /// <inheritdoc/>
    public FilterResult Filter(SchedulingContext context, PodInfo pod, NodeInfo node)
    {
        if (node.Taints.Length == 0) return FilterResult.Success;
        var taint = FirstUntoleratedTaint(pod, node);
        return taint is null ? FilterResult.Success : FilterResult.Unschedulable(UntoleratedReason(taint));
    }

    /// <inheritdoc/>
    public long Score(SchedulingContext context, PodInfo pod, NodeInfo node) => CountIntolerablePreferNoSchedule(pod, node);

    /// <inheritdoc/>
    public void NormalizeScores(SchedulingContext context, PodInfo pod, IReadOnlyList<NodeInfo> nodes, Span<long> scores) =>
        ScoreNormalization.Default(scores, reverse: true);

    /// <summary>Kubernetes' message for a rejecting taint: <c>node(s) had untolerated taint {key: value}</c>.</summary>
    public static string UntoleratedReason(Taint taint) => $"node(s) had untolerated taint {{{taint.Key}: {taint.Value}}}";

    /// <summary>The first <c>NoSchedule</c>/<c>NoExecute</c> taint of the node the pod does not tolerate, or null.</summary>
    public static Taint? FirstUntoleratedTaint(PodInfo pod, NodeInfo node)
    {
        foreach (var taint in node.Taints)
        {
            if (taint.Effect is not (TaintEffect.NoSchedule or TaintEffect.NoExecute)) continue;
            if (!IsTolerated(taint, pod.Tolerations)) return taint;
        }
        return null;
    }

    /// <summary>
    /// The number of <c>PreferNoSchedule</c> taints not tolerated by a toleration whose effect is empty or
    /// <c>PreferNoSchedule</c>.
    /// </summary>
    public static long CountIntolerablePreferNoSchedule(PodInfo pod, NodeInfo node)
    {
        if (!node.HasPreferNoScheduleTaints) return 0;
        long count = 0;
        foreach (var taint in node.Taints)
        {
            if (taint.Effect != TaintEffect.PreferNoSchedule) continue;
            var tolerated = false;
            foreach (var toleration in pod.Tolerations)
            {
                if (toleration.Effect is null or "" or TaintEffect.PreferNoSchedule && toleration.Tolerates(taint))
                {
                    tolerated = true;
                    break;
                }
            }
            if (!tolerated) count++;
        }
        return count;
    }

    /// <summary>True when one of <paramref name="tolerations"/> tolerates <paramref name="taint"/>.</summary>
    public static bool IsTolerated(Taint taint, Toleration[] tolerations)
    {
        foreach (var toleration in tolerations)
        {
            if (toleration.Tolerates(taint)) return true;
        }
        return false;
    }
}
