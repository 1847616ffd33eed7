using Orchestrator.Api;

namespace Orchestrator.Controllers;

// Kubernetes' calculateStatus and syncDeploymentStatus.
internal sealed partial class DeploymentReconciler
{
    /// <summary>Writes the status computed from the ReplicaSets' pods when it differs from the stored one.</summary>
    private async Task SyncDeploymentStatusAsync(DeploymentSyncContext ctx, CancellationToken ct)
    {
        var status = CalculateStatus(ctx);
        if (!DeploymentConditions.StatusEquals(ctx.Deployment.Status, status)) await UpdateStatusAsync(ctx, status, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The status (Kubernetes <c>calculateStatus</c>): pod counts over every ReplicaSet (<c>updatedReplicas</c> over the
    /// new one), <c>unavailableReplicas</c> as the ReplicaSets' desired replicas minus the available pods, the
    /// <c>Available</c> condition by <c>replicas - maxUnavailable</c>, and the other conditions carried over.
    /// </summary>
    private static DeploymentStatus CalculateStatus(DeploymentSyncContext ctx)
    {
        var d = ctx.Deployment;
        int active = 0, ready = 0, available = 0;
        foreach (var rs in ctx.ReplicaSets)
        {
            var counts = ctx.Counts(rs);
            active += counts.Active;
            ready += counts.Ready;
            available += counts.Available;
        }
        var status = new DeploymentStatus
        {
            ObservedGeneration = d.Metadata.Generation,
            Replicas = active,
            UpdatedReplicas = ctx.Counts(ctx.NewReplicaSet).Active,
            ReadyReplicas = ready,
            AvailableReplicas = available,
            UnavailableReplicas = Math.Max(0, DeploymentUtil.SpecReplicas(ctx.ReplicaSets) - available),
            TerminatingReplicas = d.Status?.TerminatingReplicas,
            CollisionCount = d.Status?.CollisionCount,
            Conditions = d.Status?.Conditions ?? [],
        };
        var minimum = available >= d.Spec.Replicas - DeploymentUtil.MaxUnavailable(d);
        return DeploymentConditions.Set(status, minimum
            ? DeploymentConditions.New(DeploymentConditionType.Available, ConditionStatus.True,
                DeploymentConditionReasons.MinimumReplicasAvailable, "Deployment has minimum availability.", ctx.Now)
            : DeploymentConditions.New(DeploymentConditionType.Available, ConditionStatus.False,
                DeploymentConditionReasons.MinimumReplicasUnavailable, "Deployment does not have minimum availability.", ctx.Now));
    }
}
