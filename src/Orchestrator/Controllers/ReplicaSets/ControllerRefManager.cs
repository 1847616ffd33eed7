using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Selectors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// Claims dependents for a controller (Kubernetes <c>ControllerRefManager</c>): keeps those it controls whose labels still
/// match its selector, releases those that stopped matching (removes its owner reference), and adopts matching orphans
/// (adds a controller reference) after checking, once, against the store that the controller still exists and is not
/// being deleted. Objects controlled by another owner are never touched.
/// </summary>
/// <typeparam name="T">The dependent kind: <see cref="Pod"/> for ReplicaSets, <see cref="ReplicaSet"/> for Deployments.</typeparam>
internal sealed class ControllerRefManager<T>(IObjectStore store, KubernetesObject controller, Selector selector) where T : KubernetesObject
{
    private readonly string _uid = controller.Metadata.Uid ?? "";
    private bool? _canAdopt;

    /// <summary>
    /// Returns the dependents the controller owns after claiming: the matching objects it controlled plus the orphans it
    /// adopted (their updated state). <paramref name="include"/> filters candidates first (e.g. only active pods).
    /// </summary>
    /// <exception cref="ApiException">A write failed; the claims made so far stand and the caller retries.</exception>
    public async Task<List<T>> ClaimAsync(IReadOnlyList<T> owned, IReadOnlyList<T> orphans, Func<T, bool> include, CancellationToken ct)
    {
        var claimed = new List<T>(owned.Count);
        var deleting = controller.Metadata.DeletionTimestamp is not null;
        foreach (var obj in owned)
        {
            if (!include(obj)) continue;
            if (selector.Matches(obj.Metadata.Labels))
            {
                claimed.Add(obj);
            }
            else if (!deleting)
            {
                // Owned but no longer selected: let go, so that another controller may adopt it.
                await ReleaseAsync(obj, ct).ConfigureAwait(false);
            }
        }
        if (deleting) return claimed;
        foreach (var obj in orphans)
        {
            if (!include(obj) || obj.Metadata.DeletionTimestamp is not null || !selector.Matches(obj.Metadata.Labels)) continue;
            if (!await CanAdoptAsync(ct).ConfigureAwait(false)) break;
            if (await AdoptAsync(obj, ct).ConfigureAwait(false) is { } adopted) claimed.Add(adopted);
        }
        return claimed;
    }

    /// <summary>Rechecks the controller against the store (not the cache) before the first adoption.</summary>
    private async ValueTask<bool> CanAdoptAsync(CancellationToken ct)
    {
        if (_canAdopt is { } known) return known;
        var fresh = await store.GetAsync(ApiResources.For(controller.GetType()), controller.Metadata.Namespace, controller.Metadata.Name ?? "", ct)
            .ConfigureAwait(false);
        _canAdopt = fresh is not null && fresh.Metadata.Uid == _uid && fresh.Metadata.DeletionTimestamp is null;
        return _canAdopt.Value;
    }

    private async Task<T?> AdoptAsync(T orphan, CancellationToken ct)
    {
        var reference = ControllerRefs.NewControllerRef(controller);
        try
        {
            var result = await store.UpdateWithRetryAsync<T>(orphan.Metadata.Namespace, orphan.Metadata.Name ?? "", current =>
            {
                if (current.Metadata.Uid != orphan.Metadata.Uid || current.Metadata.DeletionTimestamp is not null ||
                    ControllerRefs.GetControllerOf(current) is not null)
                {
                    return null;
                }
                var references = current.Metadata.OwnerReferences.Where(r => r.Uid != _uid).Append(reference).ToArray();
                return current with { Metadata = current.Metadata with { OwnerReferences = references } };
            }, ct).ConfigureAwait(false);
            return ControllerRefs.IsControlledBy(result, _uid) ? result : null;
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    private async Task ReleaseAsync(T obj, CancellationToken ct)
    {
        try
        {
            await store.UpdateWithRetryAsync<T>(obj.Metadata.Namespace, obj.Metadata.Name ?? "", current =>
            {
                if (current.Metadata.Uid != obj.Metadata.Uid || !current.Metadata.OwnerReferences.Any(r => r.Uid == _uid)) return null;
                var references = current.Metadata.OwnerReferences.Where(r => r.Uid != _uid).ToArray();
                return current with { Metadata = current.Metadata with { OwnerReferences = references } };
            }, ct).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            // Gone already: nothing to release.
        }
    }
}
