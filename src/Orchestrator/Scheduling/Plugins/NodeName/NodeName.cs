namespace Orchestrator.Scheduling.Plugins;

/// <summary>Filters out every node but the one a pod names in <c>spec.nodeName</c>, if it names one.</summary>
internal sealed class NodeName : IPreFilterPlugin, IFilterPlugin
{
    /// <summary>The reason for a node other than the requested one.</summary>
    public const string ErrReason = "node(s) didn't match the requested node name";

    private static readonly FilterResult Rejected = FilterResult.Unschedulable(ErrReason);

    /// <inheritdoc/>
    public string Name => SchedulerPlugins.NodeName;

    /// <inheritdoc/>
    public FilterResult PreFilter(SchedulingContext context, PodInfo pod) =>
        string.IsNullOrEmpty(pod.Pod.Spec.NodeName) ? FilterResult.Skip : FilterResult.Success;

    /// <inheritdoc/>
    public FilterResult Filter(SchedulingContext context, PodInfo pod, NodeInfo node) =>
        Fits(pod, node) ? FilterResult.Success : Rejected;

    /// <summary>True when the pod names no node or names <paramref name="node"/>.</summary>
    public static bool Fits(PodInfo pod, NodeInfo node) =>
        string.IsNullOrEmpty(pod.Pod.Spec.NodeName) || pod.Pod.Spec.NodeName == node.Name;
}
