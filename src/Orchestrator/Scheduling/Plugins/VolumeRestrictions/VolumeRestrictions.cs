namespace Orchestrator.Scheduling.Plugins;

/// <summary>
/// Enforces Kubernetes' <c>VolumeRestrictions</c> for the volume sources Orchestrator has: a PersistentVolumeClaim with
/// the <c>ReadWriteOncePod</c> access mode may be used by one pod only, so a pod using such a claim while another
/// (bound or assumed) pod uses it fits no node.
/// </summary>
/// <remarks>
/// Kubernetes' classic disk-conflict rule ("node(s) had no available disk") concerns network block devices attached
/// read-write once per node (GCE PD, AWS EBS, RBD, iSCSI). Orchestrator's volume sources include none of them, and
/// Kubernetes deliberately never restricts <c>hostPath</c> or shared claims, so neither is restricted here either.
/// </remarks>
internal sealed class VolumeRestrictions : IPreFilterPlugin, IFilterPlugin
{
    /// <summary>Kubernetes' reason for a <c>ReadWriteOncePod</c> claim already in use.</summary>
    public const string ErrReadWriteOncePodConflict =
        "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode";

    /// <summary>Kubernetes' reason for the classic disk conflict; reserved for block-device volume sources.</summary>
    public const string ErrDiskConflict = "node(s) had no available disk";

    /// <inheritdoc/>
    public string Name => SchedulerPlugins.VolumeRestrictions;

    /// <inheritdoc/>
    public FilterResult PreFilter(SchedulingContext context, PodInfo pod) =>
        ClaimInUse(pod, context.Cache) ? FilterResult.Unschedulable(ErrReadWriteOncePodConflict) : FilterResult.Skip;

    /// <inheritdoc/>
    public FilterResult Filter(SchedulingContext context, PodInfo pod, NodeInfo node) => FilterResult.Success;

    /// <summary>True when the pod uses a <c>ReadWriteOncePod</c> claim that another pod already uses.</summary>
    internal static bool ClaimInUse(PodInfo pod, SchedulerCache cache)
    {
        foreach (var claim in pod.Claims)
        {
            if (cache.IsReadWriteOncePod(claim) && cache.ClaimUsers(claim) > 0) return true;
        }
        return false;
    }
}
