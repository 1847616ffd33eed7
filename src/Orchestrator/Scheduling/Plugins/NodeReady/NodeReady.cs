using Orchestrator.Api;

namespace Orchestrator.Scheduling.Plugins;

/// <summary>
/// Filters out nodes whose <c>Ready</c> condition is not <c>True</c>. In Kubernetes the node lifecycle controller
/// taints such nodes with <c>node.kubernetes.io/not-ready</c> (condition <c>False</c> or missing) or
/// <c>node.kubernetes.io/unreachable</c> (condition <c>Unknown</c>) and <c>TaintToleration</c> rejects them; this plugin
/// applies that implied taint with the same tolerations and message, so a pod that tolerates it (for example
/// <c>operator: Exists</c>) may still land on the node. A node that already carries the taint is left to
/// <c>TaintToleration</c>.
/// </summary>
internal sealed class NodeReady : IFilterPlugin
{
    private static readonly Taint NotReadyTaint = new() { Key = WellKnownLabels.TaintNodeNotReady, Effect = TaintEffect.NoSchedule };
    private static readonly Taint UnreachableTaint = new() { Key = WellKnownLabels.TaintNodeUnreachable, Effect = TaintEffect.NoSchedule };
    private static readonly FilterResult NotReady = FilterResult.Unschedulable(TaintToleration.UntoleratedReason(NotReadyTaint));
    private static readonly FilterResult Unreachable = FilterResult.Unschedulable(TaintToleration.UntoleratedReason(UnreachableTaint));

    /// <inheritdoc/>
    public string Name => SchedulerPlugins.NodeReady;

    /// <inheritdoc/>
    public FilterResult Filter(SchedulingContext context, PodInfo pod, NodeInfo node)
    {
        if (node.ReadyStatus == ConditionStatus.True) return FilterResult.Success;
        var taint = UntoleratedReadinessTaint(pod, node);
        return taint is null ? FilterResult.Success : ReferenceEquals(taint, NotReadyTaint) ? NotReady : Unreachable;
    }

    /// <summary>The implied readiness taint of <paramref name="node"/> that <paramref name="pod"/> does not tolerate, or null.</summary>
    public static Taint? UntoleratedReadinessTaint(PodInfo pod, NodeInfo node)
    {
        if (node.ReadyStatus == ConditionStatus.True) return null;
        var taint = node.ReadyStatus == ConditionStatus.Unknown ? UnreachableTaint : NotReadyTaint;
        foreach (var existing in node.Taints)
        {
            if (existing.Key == taint.Key) return null;
        }
        return TaintToleration.IsTolerated(taint, pod.Tolerations) ? null : taint;
    }
}
