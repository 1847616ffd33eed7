namespace Orchestrator.Controllers;

// Kubernetes' rolling.go: one step of a RollingUpdate per reconcile.
internal sealed partial class DeploymentReconciler
{
    /// <summary>
    /// Scales the new ReplicaSet up within <c>maxSurge</c>; if it did not change, scales old ReplicaSets down within
    /// <c>maxUnavailable</c> (unhealthy pods first); once complete, cleans up old revisions; then updates the status.
    /// </summary>
    private async Task RolloutRollingAsync(DeploymentSyncContext ctx, CancellationToken ct)
    {
        await GetAllReplicaSetsAndSyncRevisionAsync(ctx, createIfNotExisted: true, ct).ConfigureAwait(false);
        if (!await ReconcileNewReplicaSetAsync(ctx, ct).ConfigureAwait(false) &&
            !await ReconcileOldReplicaSetsAsync(ctx, ct).ConfigureAwait(false) &&
            ctx.Deployment.Status is { } status && DeploymentUtil.IsComplete(ctx.Deployment, status))
        {
            await CleanupAsync(ctx, ct).ConfigureAwait(false);
        }
        await SyncRolloutStatusAsync(ctx, ct).ConfigureAwait(false);
    }

    /// <summary>Scales the new ReplicaSet towards <c>spec.replicas</c> as far as <c>maxSurge</c> allows; true when it changed.</summary>
    private async Task<bool> ReconcileNewReplicaSetAsync(DeploymentSyncContext ctx, CancellationToken ct)
    {
        var d = ctx.Deployment;
        if (ctx.NewReplicaSet is not { } newRS || newRS.Spec.Replicas == d.Spec.Replicas) return false;
        var target = newRS.Spec.Replicas > d.Spec.Replicas ? d.Spec.Replicas : NewReplicaSetReplicas(ctx, newRS);
        return await ScaleReplicaSetAndRecordEventAsync(ctx, newRS, target, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Scales old ReplicaSets down as far as <c>maxUnavailable</c> allows (Kubernetes <c>reconcileOldReplicaSets</c>);
    /// true when any changed.
    /// </summary>
    private async Task<bool> ReconcileOldReplicaSetsAsync(DeploymentSyncContext ctx, CancellationToken ct)
    {
        var d = ctx.Deployment;
        var newRS = ctx.NewReplicaSet;
        var oldPods = DeploymentUtil.SpecReplicas(ctx.OldReplicaSets);
        if (oldPods == 0) return false;
        var allPods = DeploymentUtil.SpecReplicas(ctx.ReplicaSets);
        var minAvailable = d.Spec.Replicas - DeploymentUtil.MaxUnavailable(d);
        var newUnavailable = newRS is null ? 0 : newRS.Spec.Replicas - ctx.CappedAvailable(newRS);
        // Old pods that may go without dropping below minAvailable, counting the new pods not yet available as missing.
        var maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) return false;
        var cleaned = await CleanupUnhealthyReplicasAsync(ctx, maxScaledDown, ct).ConfigureAwait(false);
        var scaled = await ScaleDownOldReplicaSetsAsync(ctx, ct).ConfigureAwait(false);
        return cleaned + scaled > 0;
    }

    /// <summary>
    /// Removes unavailable pods of old ReplicaSets first, oldest ReplicaSet first, at most <paramref name="maxCleanup"/>
    /// (Kubernetes <c>cleanupUnhealthyReplicas</c>): they count for nothing, so removing them costs no availability.
    /// </summary>
    private async Task<int> CleanupUnhealthyReplicasAsync(DeploymentSyncContext ctx, int maxCleanup, CancellationToken ct)
    {
        var oldRSs = ctx.OldReplicaSets;
        oldRSs.Sort(DeploymentUtil.ByCreation);
        var total = 0;
        foreach (var rs in oldRSs)
        {
            if (total >= maxCleanup) break;
            var unhealthy = rs.Spec.Replicas - ctx.CappedAvailable(rs);
            if (rs.Spec.Replicas == 0 || unhealthy <= 0) continue;
            var count = Math.Min(maxCleanup - total, unhealthy);
            await ScaleReplicaSetAndRecordEventAsync(ctx, rs, rs.Spec.Replicas - count, ct).ConfigureAwait(false);
            total += count;
        }
        return total;
    }

    /// <summary>
    /// Scales old ReplicaSets down, oldest first, by as many pods as are available beyond <c>replicas - maxUnavailable</c>
    /// (Kubernetes <c>scaleDownOldReplicaSetsForRollingUpdate</c>). Availability counts each ReplicaSet's available pods
    /// only up to its <c>spec.replicas</c>, so pods its controller is about to delete are never counted twice.
    /// </summary>
    private async Task<int> ScaleDownOldReplicaSetsAsync(DeploymentSyncContext ctx, CancellationToken ct)
    {
        var d = ctx.Deployment;
        var minAvailable = d.Spec.Replicas - DeploymentUtil.MaxUnavailable(d);
        var available = ctx.ReplicaSets.Sum(ctx.CappedAvailable);
        if (available <= minAvailable) return 0;
        var toScaleDown = available - minAvailable;
        var oldRSs = ctx.OldReplicaSets;
        oldRSs.Sort(DeploymentUtil.ByCreation);
        var total = 0;
        foreach (var rs in oldRSs)
        {
            if (total >= toScaleDown) break;
            if (rs.Spec.Replicas == 0) continue;
            var count = Math.Min(rs.Spec.Replicas, toScaleDown - total);
            await ScaleReplicaSetAndRecordEventAsync(ctx, rs, rs.Spec.Replicas - count, ct).ConfigureAwait(false);
            total += count;
        }
        return total;
    }
}
