using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

internal sealed partial class StatefulSetReconciler
{
    /// <summary>
    /// Makes sure the claims of pod <paramref name="ordinal"/> exist with the owner references the retention policy asks
    /// for (Kubernetes <c>createPersistentVolumeClaims</c> and <c>updateClaimOwnerRefForSetAndPod</c>). Returns false when
    /// the pod must wait: a claim is being deleted, or still belongs to an earlier pod of that name (it is stale and the
    /// garbage collector is about to delete it).
    /// </summary>
    /// <param name="set">The set.</param>
    /// <param name="ordinal">The pod's ordinal.</param>
    /// <param name="pod">The existing pod, or null when it is about to be created.</param>
    /// <param name="scaledDown">True for a pod about to be deleted by a scale-down.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    private async Task<bool> EnsureClaimsAsync(StatefulSet set, int ordinal, Pod? pod, bool scaledDown, CancellationToken cancellationToken)
    {
        var ready = true;
        foreach (var desired in StatefulSetPods.Claims(set, ordinal))
        {
            var name = desired.Metadata.Name!;
            var claim = _claims.Get(set.Metadata.Namespace, name)
                ?? await _store.GetAsync<PersistentVolumeClaim>(set.Metadata.Namespace, name, cancellationToken).ConfigureAwait(false);
            if (claim is null)
            {
                if (pod is not null && scaledDown) continue;
                var references = ClaimOwnerReferences([], set, pod, scaledDown);
                try
                {
                    await _store.CreateAsync<PersistentVolumeClaim>(desired with { Metadata = desired.Metadata with { OwnerReferences = references } }, cancellationToken)
                        .ConfigureAwait(false);
                    _events.Normal(set, "SuccessfulCreate",
                        $"create Claim {name} Pod {StatefulSetPods.PodName(set, ordinal)} in StatefulSet {set.Metadata.Name} success");
                }
                catch (AlreadyExistsException)
                {
                    ready = false;
                }
                catch (ApiException e) when (e is not NotFoundException)
                {
                    _events.Warning(set, "FailedCreate",
                        $"create Claim {name} for Pod {StatefulSetPods.PodName(set, ordinal)} in StatefulSet {set.Metadata.Name} failed error: {e.Message}");
                    throw;
                }
                continue;
            }
            if (claim.Metadata.DeletionTimestamp is not null)
            {
                ready = false;
                continue;
            }
            if (HasStalePodReference(claim, pod, StatefulSetPods.PodName(set, ordinal)))
            {
                ready = false;
                continue;
            }
            var wanted = ClaimOwnerReferences(claim.Metadata.OwnerReferences, set, pod, scaledDown);
            if (SameReferences(wanted, claim.Metadata.OwnerReferences)) continue;
            try
            {
                await _store.UpdateWithRetryAsync<PersistentVolumeClaim>(claim.Metadata.Namespace, name, current =>
                {
                    if (current.Metadata.Uid != claim.Metadata.Uid || current.Metadata.DeletionTimestamp is not null) return null;
                    var references = ClaimOwnerReferences(current.Metadata.OwnerReferences, set, pod, scaledDown);
                    return SameReferences(references, current.Metadata.OwnerReferences)
                        ? null
                        : current with { Metadata = current.Metadata with { OwnerReferences = references } };
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
                ready = false;
            }
        }
        return ready;
    }

    /// <summary>
    /// The claim's owner references with the set's and the pod's replaced as the retention policy says: the set owns the
    /// claim when <c>whenDeleted</c> is Delete (unless the pod is scaled down with <c>whenScaled</c> Delete), and a
    /// scaled-down pod owns it when <c>whenScaled</c> is Delete. These are not controller references.
    /// </summary>
    private static IReadOnlyList<OwnerReference> ClaimOwnerReferences(IReadOnlyList<OwnerReference> existing, StatefulSet set, Pod? pod, bool scaledDown)
    {
        var policy = set.Spec.PersistentVolumeClaimRetentionPolicy;
        var deleteWhenScaled = policy.WhenScaled == PersistentVolumeClaimRetentionPolicyType.Delete && scaledDown && pod is not null;
        var ownedBySet = policy.WhenDeleted == PersistentVolumeClaimRetentionPolicyType.Delete && !deleteWhenScaled;
        var result = existing
            .Where(r => r.Uid != set.Metadata.Uid && (pod is null || r.Uid != pod.Metadata.Uid))
            .ToList();
        if (ownedBySet) result.Add(Reference(set));
        if (deleteWhenScaled) result.Add(Reference(pod!));
        return result;
    }

    private static OwnerReference Reference(KubernetesObject owner) => new()
    {
        ApiVersion = owner.ApiVersion,
        Kind = owner.Kind,
        Name = owner.Metadata.Name ?? "",
        Uid = owner.Metadata.Uid ?? "",
    };

    /// <summary>True when the claim is owned by a pod of that name other than <paramref name="pod"/> (Kubernetes <c>hasStaleOwnerRef</c>).</summary>
    private static bool HasStalePodReference(PersistentVolumeClaim claim, Pod? pod, string podName) =>
        claim.Metadata.OwnerReferences.Any(r => r.Kind == "Pod" && r.Name == podName && r.Uid != pod?.Metadata.Uid);

    private static bool SameReferences(IReadOnlyList<OwnerReference> a, IReadOnlyList<OwnerReference> b) =>
        a.Count == b.Count && a.All(r => b.Contains(r));
}
