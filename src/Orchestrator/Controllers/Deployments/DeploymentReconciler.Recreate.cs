namespace Orchestrator.Controllers;

// Kubernetes' recreate.go: every old pod is gone before the new ReplicaSet is scaled up.
internal sealed partial class DeploymentReconciler
{
    /// <summary>
    /// Scales every old ReplicaSet to zero; waits until none of their pods exists any more (being deleted counts as still
    /// there); then creates or scales the new ReplicaSet to <c>spec.replicas</c>; then updates the status.
    /// </summary>
    private async Task RolloutRecreateAsync(DeploymentSyncContext ctx, CancellationToken ct)
    {
        await GetAllReplicaSetsAndSyncRevisionAsync(ctx, createIfNotExisted: false, ct).ConfigureAwait(false);
        var scaledDown = false;
        foreach (var old in DeploymentUtil.FilterActive(ctx.OldReplicaSets))
        {
            scaledDown |= await ScaleReplicaSetAndRecordEventAsync(ctx, old, 0, ct).ConfigureAwait(false);
        }
        if (scaledDown || OldPodsRunning(ctx))
        {
            await SyncRolloutStatusAsync(ctx, ct).ConfigureAwait(false);
            return;
        }
        if (ctx.NewReplicaSet is null) await GetAllReplicaSetsAndSyncRevisionAsync(ctx, createIfNotExisted: true, ct).ConfigureAwait(false);
        if (ctx.NewReplicaSet is { } newRS) await ScaleReplicaSetAndRecordEventAsync(ctx, newRS, ctx.Deployment.Spec.Replicas, ct).ConfigureAwait(false);
        if (ctx.Deployment.Status is { } status && DeploymentUtil.IsComplete(ctx.Deployment, status)) await CleanupAsync(ctx, ct).ConfigureAwait(false);
        await SyncRolloutStatusAsync(ctx, ct).ConfigureAwait(false);
    }

    /// <summary>True while any pod of an old ReplicaSet has not finished, including pods being deleted.</summary>
    private static bool OldPodsRunning(DeploymentSyncContext ctx) => ctx.OldReplicaSets.Any(rs => ctx.Counts(rs).NotFinished > 0);
}
