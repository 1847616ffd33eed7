namespace Orchestrator.Scheduling.Plugins;

/// <summary>
/// Prefers nodes whose CPU and memory would be used in similar proportions with the pod placed (Kubernetes'
/// <c>NodeResourcesBalancedAllocation</c>): with <c>f</c> the requested fraction of each resource (capped at 1),
/// the score is <c>(1 - |f_cpu - f_memory| / 2) * 100</c>, the standard deviation form for two resources. It counts
/// actual requests; a pod that requests neither CPU nor memory gets the same score everywhere.
/// </summary>
internal sealed class NodeResourcesBalancedAllocation : IScorePlugin
{
    /// <inheritdoc/>
    public string Name => SchedulerPlugins.NodeResourcesBalancedAllocation;

    /// <inheritdoc/>
    public long Score(SchedulingContext context, PodInfo pod, NodeInfo node) => Compute(pod, node);

    /// <summary>The score of <paramref name="node"/> for <paramref name="pod"/>, 0..100.</summary>
    public static long Compute(PodInfo pod, NodeInfo node)
    {
        if (pod.RequestedMilliCpu == 0 && pod.RequestedMemory == 0) return 0;
        if (node.AllocatableMilliCpu <= 0 || node.AllocatableMemory <= 0) return 0;
        var cpu = Math.Min(1.0, (double)(node.RequestedMilliCpu + pod.RequestedMilliCpu) / node.AllocatableMilliCpu);
        var memory = Math.Min(1.0, (double)(node.RequestedMemory + pod.RequestedMemory) / node.AllocatableMemory);
        var std = Math.Abs(cpu - memory) / 2;
        return (long)((1 - std) * IScorePlugin.MaxNodeScore);
    }
}
