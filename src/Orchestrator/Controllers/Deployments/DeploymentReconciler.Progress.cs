using Orchestrator.Api;

namespace Orchestrator.Controllers;

// Kubernetes' progress.go: the Progressing condition, the progress deadline, and the paused conditions.
internal sealed partial class DeploymentReconciler
{
    /// <summary>
    /// Writes the status with the <c>Progressing</c> condition updated (Kubernetes <c>syncRolloutStatus</c>):
    /// <c>NewReplicaSetAvailable</c> once complete; <c>ReplicaSetUpdated</c> (only its update time refreshed while it stays
    /// True) whenever there is progress; <c>ProgressDeadlineExceeded</c> (False) after <c>progressDeadlineSeconds</c>
    /// without any. The <c>ReplicaFailure</c> condition of the ReplicaSets is carried over. When nothing changed, a
    /// recheck is scheduled for the moment the deadline would pass.
    /// </summary>
    private async Task SyncRolloutStatusAsync(DeploymentSyncContext ctx, CancellationToken ct)
    {
        var d = ctx.Deployment;
        var newRS = ctx.NewReplicaSet;
        var status = CalculateStatus(ctx);
        if (!DeploymentUtil.HasProgressDeadline(d)) status = DeploymentConditions.Remove(status, DeploymentConditionType.Progressing);

        var current = DeploymentConditions.Get(d.Status, DeploymentConditionType.Progressing);
        var complete = status.Replicas == status.UpdatedReplicas && current?.Reason == DeploymentConditionReasons.NewReplicaSetAvailable;
        if (DeploymentUtil.HasProgressDeadline(d) && !complete)
        {
            var subject = newRS is null ? $"Deployment \"{d.Metadata.Name}\"" : $"ReplicaSet \"{newRS.Metadata.Name}\"";
            if (DeploymentUtil.IsComplete(d, status))
            {
                status = DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditionType.Progressing, ConditionStatus.True,
                    DeploymentConditionReasons.NewReplicaSetAvailable, $"{subject} has successfully progressed.", ctx.Now));
            }
            else if (DeploymentUtil.IsProgressing(d, status))
            {
                // Progress refreshes lastUpdateTime even though the reason stays the same: the deadline counts from it.
                var progressing = DeploymentConditions.New(DeploymentConditionType.Progressing, ConditionStatus.True,
                    DeploymentConditionReasons.ReplicaSetUpdated, $"{subject} is progressing.", ctx.Now);
                if (current?.Status == ConditionStatus.True) progressing = progressing with { LastTransitionTime = current.LastTransitionTime };
                status = DeploymentConditions.Set(DeploymentConditions.Remove(status, DeploymentConditionType.Progressing), progressing);
            }
            else if (DeploymentUtil.IsTimedOut(d, status, ctx.Now))
            {
                status = DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditionType.Progressing, ConditionStatus.False,
                    DeploymentConditionReasons.ProgressDeadlineExceeded, $"{subject} has timed out progressing.", ctx.Now));
            }
        }

        status = ReplicaFailure(ctx) is { } failure
            ? DeploymentConditions.Set(status, failure)
            : DeploymentConditions.Remove(status, DeploymentConditionType.ReplicaFailure);

        if (DeploymentConditions.StatusEquals(d.Status, status))
        {
            RequeueStuckDeployment(ctx, status);
            return;
        }
        await UpdateStatusAsync(ctx, status, ct).ConfigureAwait(false);
        RequeueStuckDeployment(ctx, status);
    }

    /// <summary>
    /// Schedules a recheck for when the progress deadline of a rollout in progress would pass (Kubernetes
    /// <c>requeueStuckDeployment</c>): nothing else wakes the controller when pods simply never become available.
    /// </summary>
    private static void RequeueStuckDeployment(DeploymentSyncContext ctx, DeploymentStatus status)
    {
        var d = ctx.Deployment;
        var current = DeploymentConditions.Get(status, DeploymentConditionType.Progressing);
        if (!DeploymentUtil.HasProgressDeadline(d) || current?.LastUpdateTime is not { } updated) return;
        if (DeploymentUtil.IsComplete(d, status) || current.Reason is DeploymentConditionReasons.ProgressDeadlineExceeded
                or DeploymentConditionReasons.DeploymentPaused)
        {
            return;
        }
        var after = updated.AddSeconds(d.Spec.ProgressDeadlineSeconds) - ctx.Now;
        // One second past the deadline, as Kubernetes does, so that the recheck finds it passed.
        ctx.RecheckAfter((after > TimeSpan.Zero ? after : TimeSpan.Zero) + TimeSpan.FromSeconds(1));
    }

    /// <summary>The first <c>ReplicaFailure</c> condition among the ReplicaSets (the new one first), as a Deployment condition.</summary>
    private static DeploymentCondition? ReplicaFailure(DeploymentSyncContext ctx)
    {
        var ordered = ctx.NewReplicaSet is { } newRS ? ctx.OldReplicaSets.Prepend(newRS) : ctx.OldReplicaSets;
        foreach (var rs in ordered)
        {
            if (rs.Status?.GetCondition(ReplicaSetConditionType.ReplicaFailure) is not { } failure) continue;
            return new DeploymentCondition
            {
                Type = DeploymentConditionType.ReplicaFailure,
                Status = failure.Status,
                Reason = failure.Reason,
                Message = failure.Message,
                LastUpdateTime = failure.LastTransitionTime,
                LastTransitionTime = failure.LastTransitionTime,
            };
        }
        return null;
    }

    /// <summary>
    /// Keeps the <c>Progressing</c> condition in step with <c>spec.paused</c> (Kubernetes <c>checkPausedConditions</c>):
    /// <c>Unknown</c>/<c>DeploymentPaused</c> while paused, <c>Unknown</c>/<c>DeploymentResumed</c> on resume, which also
    /// restarts the progress deadline. A reported <c>ProgressDeadlineExceeded</c> is left as it is.
    /// </summary>
    private async Task CheckPausedConditionsAsync(DeploymentSyncContext ctx, CancellationToken ct)
    {
        var d = ctx.Deployment;
        if (!DeploymentUtil.HasProgressDeadline(d)) return;
        var current = DeploymentConditions.Get(d.Status, DeploymentConditionType.Progressing);
        if (current?.Reason == DeploymentConditionReasons.ProgressDeadlineExceeded) return;
        var pausedReported = current?.Reason == DeploymentConditionReasons.DeploymentPaused;
        DeploymentCondition condition;
        if (d.Spec.Paused && !pausedReported)
        {
            condition = DeploymentConditions.New(DeploymentConditionType.Progressing, ConditionStatus.Unknown,
                DeploymentConditionReasons.DeploymentPaused, "Deployment is paused", ctx.Now);
        }
        else if (!d.Spec.Paused && pausedReported)
        {
            condition = DeploymentConditions.New(DeploymentConditionType.Progressing, ConditionStatus.Unknown,
                DeploymentConditionReasons.DeploymentResumed, "Deployment is resumed", ctx.Now);
        }
        else
        {
            return;
        }
        await UpdateStatusAsync(ctx, DeploymentConditions.Set(d.Status ?? new DeploymentStatus(), condition), ct).ConfigureAwait(false);
    }
}
