using Orchestrator.Api;

namespace Orchestrator.Scheduling.Plugins;

/// <summary>
/// Filters out nodes whose free allocatable resources (allocatable minus the requests of the pods on the node) cannot
/// hold the pod's requests, and nodes already running as many pods as their <c>pods</c> allocatable allows.
/// </summary>
/// <remarks>
/// Reasons, one per short resource: <c>Too many pods</c>, <c>Insufficient cpu</c>, <c>Insufficient memory</c>,
/// <c>Insufficient ephemeral-storage</c>, <c>Insufficient &lt;extended resource&gt;</c>. A resource the pod does not
/// request (or requests 0 of) never makes a node unfit.
/// </remarks>
internal sealed class NodeResourcesFit : IFilterPlugin
{
    /// <summary>The reason for a node at its pod limit.</summary>
    public const string TooManyPods = "Too many pods";

    private const string Insufficient = "Insufficient ";
    private static readonly string InsufficientCpu = Insufficient + ResourceName.Cpu;
    private static readonly string InsufficientMemory = Insufficient + ResourceName.Memory;
    private static readonly string InsufficientEphemeral = Insufficient + ResourceName.EphemeralStorage;

    /// <inheritdoc/>
    public string Name => SchedulerPlugins.NodeResourcesFit;

    /// <inheritdoc/>
    public FilterResult Filter(SchedulingContext context, PodInfo pod, NodeInfo node)
    {
        if (FitsQuickly(pod, node)) return FilterResult.Success;
        var reasons = InsufficientResources(pod, node);
        return reasons.Count == 0 ? FilterResult.Success : FilterResult.Unschedulable(reasons.ToArray());
    }

    /// <summary>The reasons the pod does not fit the node, in Kubernetes' order; empty when it fits.</summary>
    public static List<string> InsufficientResources(PodInfo pod, NodeInfo node)
    {
        var reasons = new List<string>(1);
        var allocatable = node.Allocatable;
        var requested = node.Requested;
        var request = pod.Requests;
        if (node.Pods.Count + 1 > allocatable.Pods) reasons.Add(TooManyPods);
        if (request.MilliCpu > 0 && request.MilliCpu > allocatable.MilliCpu - requested.MilliCpu) reasons.Add(InsufficientCpu);
        if (request.Memory > 0 && request.Memory > allocatable.Memory - requested.Memory) reasons.Add(InsufficientMemory);
        if (request.EphemeralStorage > 0 && request.EphemeralStorage > allocatable.EphemeralStorage - requested.EphemeralStorage)
        {
            reasons.Add(InsufficientEphemeral);
        }
        foreach (var (name, amount) in request.Scalars)
        {
            if (amount > 0 && amount > allocatable.Get(name) - requested.Get(name)) reasons.Add(Insufficient + name);
        }
        return reasons;
    }

    // The allocation-free common path: pod count, CPU, memory and ephemeral storage fit and nothing else is requested.
    private static bool FitsQuickly(PodInfo pod, NodeInfo node) =>
        node.PodList.Count + 1 <= node.AllocatablePods &&
        (pod.RequestedMilliCpu <= 0 || pod.RequestedMilliCpu <= node.AllocatableMilliCpu - node.RequestedMilliCpu) &&
        (pod.RequestedMemory <= 0 || pod.RequestedMemory <= node.AllocatableMemory - node.RequestedMemory) &&
        (pod.RequestedEphemeral <= 0 || pod.RequestedEphemeral <= node.AllocatableEphemeral - node.RequestedEphemeral) &&
        !pod.RequestsScalars;
}
