using Orchestrator.Api;

namespace Orchestrator.Scheduling.Plugins;

/// <summary>
/// Filters out cordoned nodes (<c>spec.unschedulable</c>), unless the pod tolerates the
/// <c>node.kubernetes.io/unschedulable:NoSchedule</c> taint, as DaemonSet pods do.
/// </summary>
internal sealed class NodeUnschedulable : IFilterPlugin
{
    /// <summary>The reason for a cordoned node.</summary>
    public const string ErrReason = "node(s) were unschedulable";

    private static readonly FilterResult Rejected = FilterResult.Unschedulable(ErrReason);
    private static readonly Taint UnschedulableTaint = new() { Key = WellKnownLabels.TaintNodeUnschedulable, Effect = TaintEffect.NoSchedule };

    /// <inheritdoc/>
    public string Name => SchedulerPlugins.NodeUnschedulable;

    /// <inheritdoc/>
    public FilterResult Filter(SchedulingContext context, PodInfo pod, NodeInfo node) =>
        Fits(pod, node) ? FilterResult.Success : Rejected;

    /// <summary>True when the node is schedulable or the pod tolerates it being cordoned.</summary>
    public static bool Fits(PodInfo pod, NodeInfo node) =>
        !node.Unschedulable || TaintToleration.IsTolerated(UnschedulableTaint, pod.Tolerations);
}
