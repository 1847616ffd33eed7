namespace Orchestrator.Scheduling.Plugins;

/// <summary>
/// Prefers nodes with more free CPU and memory (Kubernetes' <c>LeastAllocated</c> scoring strategy, CPU and memory
/// weighted equally): per resource, <c>(allocatable - requested) * 100 / allocatable</c> where requested includes the
/// incoming pod, and 0 when the node would be over-committed. Requests are counted non-zero (100m CPU and 200Mi memory
/// for a container without a request), so best-effort pods spread too.
/// </summary>
internal sealed class NodeResourcesLeastAllocated : IScorePlugin
{
    /// <inheritdoc/>
    public string Name => SchedulerPlugins.NodeResourcesLeastAllocated;

    /// <inheritdoc/>
    public long Score(SchedulingContext context, PodInfo pod, NodeInfo node) => Compute(pod, node);

    /// <summary>The score of <paramref name="node"/> for <paramref name="pod"/>, 0..100.</summary>
    public static long Compute(PodInfo pod, NodeInfo node)
    {
        long sum = 0, weights = 0;
        if (node.AllocatableMilliCpu > 0)
        {
            sum += LeastRequested(node.NonZeroRequestedMilliCpu + pod.NonZeroMilliCpu, node.AllocatableMilliCpu);
            weights++;
        }
        if (node.AllocatableMemory > 0)
        {
            sum += LeastRequested(node.NonZeroRequestedMemory + pod.NonZeroMemory, node.AllocatableMemory);
            weights++;
        }
        return weights == 0 ? 0 : sum / weights;
    }

    private static long LeastRequested(long requested, long capacity) =>
        requested > capacity ? 0 : (capacity - requested) * IScorePlugin.MaxNodeScore / capacity;
}
