using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

// Kubernetes' sync.go: the new ReplicaSet and revisions, history cleanup (scaling is in DeploymentReconciler.Scale.cs).
internal sealed partial class DeploymentReconciler
{
    /// <summary>Scaling without rolling (a paused Deployment, or a change of <c>spec.replicas</c>), then the status.</summary>
    private async Task SyncAsync(DeploymentSyncContext ctx, CancellationToken ct)
    {
        await GetAllReplicaSetsAndSyncRevisionAsync(ctx, createIfNotExisted: false, ct).ConfigureAwait(false);
        await ScaleAsync(ctx, ct).ConfigureAwait(false);
        if (ctx.Deployment.Spec.Paused) await CleanupAsync(ctx, ct).ConfigureAwait(false);
        await SyncDeploymentStatusAsync(ctx, ct).ConfigureAwait(false);
    }

    /// <summary>True when an active ReplicaSet was last scaled for another <c>spec.replicas</c> (Kubernetes <c>isScalingEvent</c>).</summary>
    private async Task<bool> IsScalingEventAsync(DeploymentSyncContext ctx, CancellationToken ct)
    {
        await GetAllReplicaSetsAndSyncRevisionAsync(ctx, createIfNotExisted: false, ct).ConfigureAwait(false);
        var replicas = ctx.Deployment.Spec.Replicas;
        return DeploymentUtil.FilterActive(ctx.ReplicaSets).Any(rs => DeploymentAnnotations.DesiredReplicas(rs) is { } desired && desired != replicas);
    }

    /// <summary>
    /// Finds (or, with <paramref name="createIfNotExisted"/>, creates) the ReplicaSet of the current template and records it
    /// as <see cref="DeploymentSyncContext.NewReplicaSetUid"/>; keeps its revision the highest and the Deployment's
    /// revision annotation equal to it (Kubernetes <c>getAllReplicaSetsAndSyncRevision</c> / <c>getNewReplicaSet</c>).
    /// </summary>
    private async Task GetAllReplicaSetsAndSyncRevisionAsync(DeploymentSyncContext ctx, bool createIfNotExisted, CancellationToken ct)
    {
        var d = ctx.Deployment;
        var existing = DeploymentUtil.FindNewReplicaSet(d, ctx.ReplicaSets);
        ctx.NewReplicaSetUid = existing?.Metadata.Uid;
        var newRevision = DeploymentAnnotations.MaxRevision(ctx.OldReplicaSets) + 1;
        var maxReplicas = d.Spec.Replicas + DeploymentUtil.MaxSurge(d);
        if (existing is not null)
        {
            var annotations = DeploymentAnnotations.ForNewReplicaSet(d, existing, newRevision, exists: true, d.Spec.Replicas, maxReplicas);
            if (annotations is not null || existing.Spec.MinReadySeconds != d.Spec.MinReadySeconds)
            {
                await UpdateReplicaSetAsync(ctx, existing with
                {
                    Metadata = existing.Metadata with { Annotations = annotations ?? existing.Metadata.Annotations },
                    Spec = existing.Spec with { MinReadySeconds = d.Spec.MinReadySeconds },
                }, ct).ConfigureAwait(false);
                return; // the Deployment's revision follows on the next reconcile, which this write triggers
            }
            await SetDeploymentRevisionAsync(ctx, DeploymentAnnotations.Revision(existing), ct).ConfigureAwait(false);
            if (DeploymentUtil.HasProgressDeadline(ctx.Deployment) &&
                DeploymentConditions.Get(ctx.Deployment.Status, DeploymentConditionType.Progressing) is null)
            {
                var found = DeploymentConditions.New(DeploymentConditionType.Progressing, ConditionStatus.True,
                    DeploymentConditionReasons.FoundNewReplicaSet, $"Found new replica set \"{existing.Metadata.Name}\"", ctx.Now);
                await UpdateStatusAsync(ctx, DeploymentConditions.Set(ctx.Deployment.Status ?? new DeploymentStatus(), found), ct).ConfigureAwait(false);
            }
            return;
        }
        if (createIfNotExisted) await CreateNewReplicaSetAsync(ctx, newRevision, maxReplicas, ct).ConfigureAwait(false);
    }

    private async Task CreateNewReplicaSetAsync(DeploymentSyncContext ctx, long newRevision, int maxReplicas, CancellationToken ct)
    {
        var d = ctx.Deployment;
        var hash = PodTemplateHash.Compute(d.Spec.Template, d.Status?.CollisionCount);
        var labels = d.Spec.Template.Metadata.Labels.ToImmutableDictionary().SetItem(WellKnownLabels.PodTemplateHash, hash);
        var selector = (d.Spec.Selector ?? new LabelSelector()) with
        {
            MatchLabels = (d.Spec.Selector?.MatchLabels ?? ImmutableDictionary<string, string>.Empty).ToImmutableDictionary()
                .SetItem(WellKnownLabels.PodTemplateHash, hash),
        };
        var rs = new ReplicaSet
        {
            Metadata = new ObjectMeta
            {
                Name = $"{d.Metadata.Name}-{hash}",
                Namespace = d.Metadata.Namespace,
                Labels = labels,
                OwnerReferences = [ControllerRefs.NewControllerRef(d)],
            },
            Spec = new ReplicaSetSpec
            {
                Replicas = 0,
                MinReadySeconds = d.Spec.MinReadySeconds,
                Selector = selector,
                Template = d.Spec.Template with { Metadata = d.Spec.Template.Metadata with { Labels = labels } },
            },
        };
        var replicas = NewReplicaSetReplicas(ctx, rs);
        rs = rs with { Spec = rs.Spec with { Replicas = replicas } };
        rs = rs with
        {
            Metadata = rs.Metadata with
            {
                Annotations = DeploymentAnnotations.ForNewReplicaSet(d, rs, newRevision, exists: false, d.Spec.Replicas, maxReplicas)
                    ?? rs.Metadata.Annotations,
            },
        };

        ReplicaSet created;
        var alreadyExists = false;
        try
        {
            created = await _store.CreateAsync<ReplicaSet>(rs, ct).ConfigureAwait(false);
        }
        catch (AlreadyExistsException)
        {
            // Ours from an earlier reconcile the cache has not shown yet, or a hash collision with another template.
            var current = await _store.GetAsync<ReplicaSet>(rs.Metadata.Namespace, rs.Metadata.Name!, ct).ConfigureAwait(false);
            if (current is null || !ControllerRefs.IsControlledBy(current, d.Metadata.Uid) ||
                !PodTemplateHash.EqualIgnoringHash(current.Spec.Template, d.Spec.Template))
            {
                var collisions = (d.Status?.CollisionCount ?? 0) + 1;
                DeploymentLog.HashCollision(_logger, rs.Metadata.Name!, collisions);
                await UpdateStatusAsync(ctx, (d.Status ?? new DeploymentStatus()) with { CollisionCount = collisions }, ct).ConfigureAwait(false);
                throw;
            }
            created = current;
            alreadyExists = true;
        }
        catch (Exception e) when (e is not OperationCanceledException && DeploymentUtil.HasProgressDeadline(d))
        {
            var failed = DeploymentConditions.New(DeploymentConditionType.Progressing, ConditionStatus.False,
                DeploymentConditionReasons.ReplicaSetCreateError, $"Failed to create new replica set \"{rs.Metadata.Name}\": {e.Message}", ctx.Now);
            await UpdateStatusAsync(ctx, DeploymentConditions.Set(d.Status ?? new DeploymentStatus(), failed), ct).ConfigureAwait(false);
            throw;
        }

        ctx.Replace(created);
        ctx.NewReplicaSetUid = created.Metadata.Uid;
        if (!alreadyExists && replicas > 0)
        {
            _events.Normal(ctx.Deployment, "ScalingReplicaSet", $"Scaled up replica set {created.Metadata.Name} from 0 to {replicas}");
        }
        await SetDeploymentRevisionAsync(ctx, newRevision, ct).ConfigureAwait(false);
        if (!alreadyExists && DeploymentUtil.HasProgressDeadline(ctx.Deployment))
        {
            var createdCondition = DeploymentConditions.New(DeploymentConditionType.Progressing, ConditionStatus.True,
                DeploymentConditionReasons.NewReplicaSetCreated, $"Created new replica set \"{created.Metadata.Name}\"", ctx.Now);
            await UpdateStatusAsync(ctx, DeploymentConditions.Set(ctx.Deployment.Status ?? new DeploymentStatus(), createdCondition), ct)
                .ConfigureAwait(false);
        }
    }

    /// <summary>Sets the Deployment's revision annotation to <paramref name="revision"/> when it differs.</summary>
    private async Task SetDeploymentRevisionAsync(DeploymentSyncContext ctx, long revision, CancellationToken ct)
    {
        var d = ctx.Deployment;
        var text = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (revision <= 0 || d.Metadata.Annotations.GetValueOrDefault(WellKnownLabels.DeploymentRevision) == text) return;
        var annotations = d.Metadata.Annotations.ToImmutableDictionary().SetItem(WellKnownLabels.DeploymentRevision, text);
        ctx.Deployment = await _store.UpdateAsync<Deployment>(d with { Metadata = d.Metadata with { Annotations = annotations } }, ct)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// How many replicas the new ReplicaSet may have now (Kubernetes <c>NewRSNewReplicas</c>): for RollingUpdate, up to
    /// <c>replicas + maxSurge</c> pods in total, counting for each ReplicaSet the larger of its <c>spec.replicas</c> and its
    /// pods still active; for Recreate, all replicas.
    /// </summary>
    private static int NewReplicaSetReplicas(DeploymentSyncContext ctx, ReplicaSet newRS)
    {
        var d = ctx.Deployment;
        if (!DeploymentUtil.IsRollingUpdate(d)) return d.Spec.Replicas;
        var current = ctx.ReplicaSets.Where(rs => rs.Metadata.Uid != newRS.Metadata.Uid || newRS.Metadata.Uid is null).Sum(ctx.Occupied) +
                      ctx.Occupied(newRS);
        var maxTotal = d.Spec.Replicas + DeploymentUtil.MaxSurge(d);
        if (current >= maxTotal) return newRS.Spec.Replicas;
        return newRS.Spec.Replicas + Math.Min(maxTotal - current, d.Spec.Replicas - newRS.Spec.Replicas);
    }

    /// <summary>
    /// Deletes the oldest revisions beyond <c>revisionHistoryLimit</c> among the old ReplicaSets that have no pods left and
    /// whose controller has observed their last change (Kubernetes <c>cleanupDeployment</c>).
    /// </summary>
    private async Task CleanupAsync(DeploymentSyncContext ctx, CancellationToken ct)
    {
        var cleanable = ctx.OldReplicaSets.Where(rs => rs.Metadata.DeletionTimestamp is null).ToList();
        var diff = cleanable.Count - ctx.Deployment.Spec.RevisionHistoryLimit;
        if (diff <= 0) return;
        cleanable.Sort(DeploymentUtil.ByRevision);
        foreach (var rs in cleanable.Take(diff))
        {
            if (rs.Spec.Replicas != 0 || ctx.Counts(rs).NotFinished != 0 || (rs.Status?.Replicas ?? 0) != 0 ||
                rs.Metadata.Generation > (rs.Status?.ObservedGeneration ?? 0))
            {
                continue;
            }
            try
            {
                await _store.DeleteAsync(ApiResources.For<ReplicaSet>(), rs.Metadata.Namespace, rs.Metadata.Name ?? "",
                    new DeleteOptions { PreconditionUid = rs.Metadata.Uid }, ct).ConfigureAwait(false);
                DeploymentLog.CleanedUp(_logger, rs.Metadata.Name ?? "", DeploymentAnnotations.Revision(rs));
            }
            catch (NotFoundException)
            {
                // Already gone.
            }
            ctx.Remove(rs);
        }
    }
}
