namespace Orchestrator.Scheduling.Plugins;

/// <summary>
/// Filters out nodes where a host port the pod requests is already bound by another pod: same port and protocol, on the
/// same host IP or where either side binds every address (<c>0.0.0.0</c>).
/// </summary>
internal sealed class NodePorts : IPreFilterPlugin, IFilterPlugin
{
    /// <summary>The reason for a node without the free ports.</summary>
    public const string ErrReason = "node(s) didn't have free ports for the requested pod ports";

    private static readonly FilterResult Rejected = FilterResult.Unschedulable(ErrReason);

    /// <inheritdoc/>
    public string Name => SchedulerPlugins.NodePorts;

    /// <inheritdoc/>
    public FilterResult PreFilter(SchedulingContext context, PodInfo pod) =>
        pod.HostPorts.Length == 0 ? FilterResult.Skip : FilterResult.Success;

    /// <inheritdoc/>
    public FilterResult Filter(SchedulingContext context, PodInfo pod, NodeInfo node) =>
        Fits(pod, node) ? FilterResult.Success : Rejected;

    /// <summary>True when none of the pod's host ports conflicts with one used on the node.</summary>
    public static bool Fits(PodInfo pod, NodeInfo node)
    {
        foreach (var port in pod.HostPorts)
        {
            if (node.HasPortConflict(port)) return false;
        }
        return true;
    }
}
