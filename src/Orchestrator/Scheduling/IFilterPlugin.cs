namespace Orchestrator.Scheduling;

/// <summary>
/// Decides whether a pod can run on a node (a predicate). Filters run in profile order and stop at the first that
/// rejects a node; the rejecting filter's reasons are what the pod's <c>PodScheduled</c> condition counts for that node.
/// </summary>
public interface IFilterPlugin : IPlugin
{
    /// <summary>
    /// Returns <see cref="FilterResult.Success"/> when <paramref name="pod"/> fits <paramref name="node"/>, otherwise
    /// <see cref="FilterResult.Unschedulable(string)"/> with a stable reason. Must not change the pod or the node, and
    /// should not allocate on success: it runs for up to every node in every scheduling cycle.
    /// </summary>
    FilterResult Filter(SchedulingContext context, PodInfo pod, NodeInfo node);
}
