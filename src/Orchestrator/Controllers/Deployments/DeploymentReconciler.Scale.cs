using Orchestrator.Api;

namespace Orchestrator.Controllers;

// Kubernetes' sync.go, scaling: all replicas to one ReplicaSet, or proportionally across ReplicaSets mid-rollout.
internal sealed partial class DeploymentReconciler
{
    /// <summary>
    /// Scales the ReplicaSets to <c>spec.replicas</c> outside a rollout step (Kubernetes <c>scale</c>): all replicas to the
    /// one active (or latest) ReplicaSet; old ones to zero once the new one is saturated; otherwise, during a rolling
    /// update, the difference spread over the active ReplicaSets in proportion to their sizes.
    /// </summary>
    private async Task ScaleAsync(DeploymentSyncContext ctx, CancellationToken ct)
    {
        var d = ctx.Deployment;
        var newRS = ctx.NewReplicaSet;
        var oldRSs = ctx.OldReplicaSets;
        if (DeploymentUtil.FindActiveOrLatest(newRS, oldRSs) is { } activeOrLatest)
        {
            if (activeOrLatest.Spec.Replicas != d.Spec.Replicas) await ScaleReplicaSetAndRecordEventAsync(ctx, activeOrLatest, d.Spec.Replicas, ct).ConfigureAwait(false);
            return;
        }
        if (IsSaturated(ctx, newRS))
        {
            foreach (var old in DeploymentUtil.FilterActive(oldRSs)) await ScaleReplicaSetAndRecordEventAsync(ctx, old, 0, ct).ConfigureAwait(false);
            return;
        }
        if (!DeploymentUtil.IsRollingUpdate(d)) return;

        var active = DeploymentUtil.FilterActive(oldRSs.Append(newRS));
        var allowed = d.Spec.Replicas > 0 ? d.Spec.Replicas + DeploymentUtil.MaxSurge(d) : 0;
        var toAdd = allowed - DeploymentUtil.SpecReplicas(active);
        var operation = toAdd > 0 ? "up" : "down";
        active.Sort(toAdd > 0 ? DeploymentUtil.BySizeNewer : DeploymentUtil.BySizeOlder);
        var sizes = new int[active.Count];
        var added = 0;
        for (var i = 0; i < active.Count; i++)
        {
            var proportion = toAdd == 0 ? 0 : Proportion(active[i], d, toAdd, added);
            sizes[i] = active[i].Spec.Replicas + proportion;
            added += proportion;
        }
        // The largest ReplicaSet takes what rounding left over.
        if (toAdd != 0 && active.Count > 0) sizes[0] = Math.Max(0, sizes[0] + toAdd - added);
        for (var i = 0; i < active.Count; i++) await ScaleReplicaSetAsync(ctx, active[i], sizes[i], operation, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The share of <paramref name="toAdd"/> for <paramref name="rs"/> (Kubernetes <c>GetProportion</c>): its size relative to
    /// the Deployment's size when it was last scaled (the <c>max-replicas</c> annotation), never beyond what is left.
    /// </summary>
    private static int Proportion(ReplicaSet rs, Deployment d, int toAdd, int added)
    {
        if (rs.Spec.Replicas == 0 || toAdd == added) return 0;
        int fraction;
        if (d.Spec.Replicas == 0) fraction = -rs.Spec.Replicas;
        else
        {
            var deploymentReplicas = d.Spec.Replicas + DeploymentUtil.MaxSurge(d);
            var annotated = DeploymentAnnotations.MaxReplicas(rs) ?? d.Status?.Replicas ?? 0;
            fraction = annotated <= 0 ? 0 : (int)Math.Round((double)rs.Spec.Replicas * deploymentReplicas / annotated, MidpointRounding.AwayFromZero) - rs.Spec.Replicas;
        }
        var allowed = toAdd - added;
        return toAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }

    /// <summary>True when <paramref name="rs"/> has every replica, scaled for the current size, all available.</summary>
    private static bool IsSaturated(DeploymentSyncContext ctx, ReplicaSet? rs)
    {
        var replicas = ctx.Deployment.Spec.Replicas;
        return rs is not null && rs.Spec.Replicas == replicas && DeploymentAnnotations.DesiredReplicas(rs) == replicas &&
               ctx.CappedAvailable(rs) == replicas;
    }

    /// <summary>Scales <paramref name="rs"/> to <paramref name="replicas"/>; true when its size changed.</summary>
    private Task<bool> ScaleReplicaSetAndRecordEventAsync(DeploymentSyncContext ctx, ReplicaSet rs, int replicas, CancellationToken ct) =>
        rs.Spec.Replicas == replicas
            ? Task.FromResult(false)
            : ScaleReplicaSetAsync(ctx, rs, replicas, rs.Spec.Replicas < replicas ? "up" : "down", ct);

    /// <summary>
    /// Writes <paramref name="replicas"/> and the desired/max replicas annotations to <paramref name="rs"/> when either
    /// differs, with a <c>ScalingReplicaSet</c> event for a size change; true when the size changed.
    /// </summary>
    private async Task<bool> ScaleReplicaSetAsync(DeploymentSyncContext ctx, ReplicaSet rs, int replicas, string operation, CancellationToken ct)
    {
        var d = ctx.Deployment;
        rs = ctx.ReplicaSets.Find(r => r.Metadata.Uid == rs.Metadata.Uid) ?? rs;
        var maxReplicas = d.Spec.Replicas + DeploymentUtil.MaxSurge(d);
        var resize = rs.Spec.Replicas != replicas;
        if (!resize && !DeploymentAnnotations.ReplicasNeedUpdate(rs, d.Spec.Replicas, maxReplicas)) return false;
        var from = rs.Spec.Replicas;
        await UpdateReplicaSetAsync(ctx, rs with
        {
            Metadata = rs.Metadata with { Annotations = DeploymentAnnotations.WithReplicas(rs.Metadata.Annotations, d.Spec.Replicas, maxReplicas) },
            Spec = rs.Spec with { Replicas = replicas },
        }, ct).ConfigureAwait(false);
        if (!resize) return false;
        _events.Normal(d, "ScalingReplicaSet", $"Scaled {operation} replica set {rs.Metadata.Name} from {from} to {replicas}");
        DeploymentLog.Scaled(_logger, rs.Metadata.Name ?? "", from, replicas);
        return true;
    }
}
