using Orchestrator.Api;

namespace Orchestrator.Scheduling.Plugins;

/// <summary>Filters out every node but the one a pod names in <c>spec.nodeName</c>, if it names one.</summary>
internal sealed class NodeName : IFilterPlugin
{
    /// <summary>The reason for a node other than the requested one.</summary>
    public const string ErrReason = "node(s) didn't match the requested node name";

    /// <inheritdoc/>
    public string Name => SchedulerPlugins.NodeName;

    /// <inheritdoc/>
    public FilterResult Filter(SchedulingContext context, PodInfo pod, NodeInfo node) =>
        Fits(pod.Pod, node.Node) ? FilterResult.Success : FilterResult.Unschedulable(ErrReason);

    /// <summary>True when the pod names no node or names <paramref name="node"/>.</summary>
    public static bool Fits(Pod pod, Node node) =>
        string.IsNullOrEmpty(pod.Spec.NodeName) || pod.Spec.NodeName == node.Metadata.Name;
}
