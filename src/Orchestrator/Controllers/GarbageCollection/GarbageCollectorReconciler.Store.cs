using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>The store reads and writes of <see cref="GarbageCollectorReconciler"/>.</summary>
internal sealed partial class GarbageCollectorReconciler
{
    /// <summary>
    /// The dependents of <paramref name="owner"/> as the store has them: objects of every collected kind in the owner's
    /// namespace (every namespace for a cluster-scoped owner) with a reference to its uid.
    /// </summary>
    private async Task<List<(ResourceKind Kind, KubernetesObject Object)>> ListDependentsAsync(
        ResourceKind ownerKind, KubernetesObject owner, CancellationToken cancellationToken)
    {
        var uid = owner.Metadata.Uid!;
        var options = ownerKind.Namespaced ? new ListOptions { Namespace = owner.Metadata.Namespace } : null;
        var result = new List<(ResourceKind, KubernetesObject)>();
        foreach (var kind in _informers.Keys)
        {
            if (ownerKind.Namespaced && !kind.Namespaced) continue;
            var list = await _store.ListAsync(kind, options, cancellationToken).ConfigureAwait(false);
            foreach (var obj in list.Items)
            {
                if (obj.ReferenceTo(uid) is not null) result.Add((kind, obj));
            }
        }
        return result;
    }

    private async Task DeleteAsync(ResourceKind kind, KubernetesObject obj, string policy, CancellationToken cancellationToken)
    {
        GarbageCollectorLog.Deleting(_logger, kind.Kind, ObjectKey.Of(obj).ToString(), policy);
        try
        {
            var options = new DeleteOptions { PropagationPolicy = policy, PreconditionUid = obj.Metadata.Uid };
            await _store.DeleteAsync(kind, obj.Metadata.Namespace, obj.Metadata.Name!, options, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            // Already gone.
        }
        catch (ConflictException)
        {
            // Replaced by a new object of the same name (another uid), which is collected on its own merits.
        }
    }

    private Task RemoveOwnerReferencesAsync(ResourceKind kind, KubernetesObject obj, HashSet<string> ownerUids, CancellationToken cancellationToken) =>
        UpdateAsync(kind, obj, current =>
        {
            var references = current.Metadata.OwnerReferences;
            if (!references.Any(r => ownerUids.Contains(r.Uid))) return null;
            return current with { Metadata = current.Metadata with { OwnerReferences = [.. references.Where(r => !ownerUids.Contains(r.Uid))] } };
        }, cancellationToken);

    private Task UnblockOwnerReferencesAsync(ResourceKind kind, KubernetesObject obj, CancellationToken cancellationToken) =>
        UpdateAsync(kind, obj, current =>
        {
            var references = current.Metadata.OwnerReferences;
            if (!references.Any(r => r.BlockOwnerDeletion == true)) return null;
            return current with
            {
                Metadata = current.Metadata with
                {
                    OwnerReferences = [.. references.Select(r => r.BlockOwnerDeletion == true ? r with { BlockOwnerDeletion = false } : r)],
                },
            };
        }, cancellationToken);

    private Task RemoveFinalizerAsync(ResourceKind kind, KubernetesObject obj, string finalizer, CancellationToken cancellationToken) =>
        UpdateAsync(kind, obj, current =>
        {
            var finalizers = current.Metadata.Finalizers;
            if (!finalizers.Contains(finalizer)) return null;
            return current with { Metadata = current.Metadata with { Finalizers = [.. finalizers.Where(f => f != finalizer)] } };
        }, cancellationToken);

    /// <summary>
    /// Applies <paramref name="mutate"/> to <paramref name="obj"/> and writes it with its resourceVersion as precondition,
    /// re-reading and retrying on a conflict; stops when the object is gone or replaced (another uid), or
    /// <paramref name="mutate"/> returns null (nothing to change).
    /// </summary>
    private async Task UpdateAsync(ResourceKind kind, KubernetesObject obj, Func<KubernetesObject, KubernetesObject?> mutate, CancellationToken cancellationToken)
    {
        var current = obj;
        while (true)
        {
            var changed = mutate(current);
            if (changed is null) return;
            try
            {
                await _store.UpdateAsync(changed, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ConflictException)
            {
                // Changed since it was read: apply the change to the current state.
            }
            catch (NotFoundException)
            {
                return;
            }
            var latest = await _store.GetAsync(kind, obj.Metadata.Namespace, obj.Metadata.Name!, cancellationToken).ConfigureAwait(false);
            if (latest is null || latest.Metadata.Uid != obj.Metadata.Uid) return;
            current = latest;
        }
    }
}
