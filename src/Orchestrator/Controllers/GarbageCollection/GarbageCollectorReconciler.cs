using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// Collects one object of any kind: Kubernetes' garbage collector (<c>attemptToDeleteItem</c>,
/// <c>attemptToOrphan</c> and <c>processDeletingDependentsItem</c>) applied to a single item.
/// </summary>
/// <remarks>
/// <para>Level-based and idempotent: every call reads the object and its owners from the informer caches, decides from
/// that state alone and writes the difference through the store.</para>
/// <list type="bullet">
/// <item>An object with owner references whose owners all are gone (no object of that kind and name, or one with another
/// uid: a dangling reference) is deleted, with the propagation its own finalizers ask for (Background by default).</item>
/// <item>An object whose only remaining owners are being deleted in the foreground is deleted too: in the foreground when
/// it has dependents of its own, so the wait propagates down a chain.</item>
/// <item>An object that still has a live owner keeps living; references to owners that are gone or waiting for their
/// dependents are removed from it.</item>
/// <item>An object being deleted with the <c>orphan</c> finalizer: its reference is removed from every dependent, then
/// the finalizer is removed (and the store removes the object).</item>
/// <item>An object being deleted with the <c>foregroundDeletion</c> finalizer: each dependent is queued for collection,
/// and once no dependent whose reference has <c>blockOwnerDeletion: true</c> remains, the finalizer is removed.</item>
/// </list>
/// <para>The informer caches of different kinds are independent and may lag one another, so every destructive step is
/// confirmed against the store first: a dependent is re-read and its owners looked up in the store before it is deleted
/// or its references are changed, and the dependents of an owner are listed from the store before its finalizer is
/// removed. Deletes carry the dependent's uid as a precondition. Only whether a dependent of a foreground owner has
/// dependents of its own (which makes it wait in turn) is taken from the caches, as Kubernetes does, and confirmed in the
/// store just for objects created in the last few seconds.</para>
/// <para>Owner references to kinds the registry lacks, and references from a cluster-scoped dependent to a namespaced
/// kind (reported with a <c>OwnerRefInvalidNamespace</c> warning event, as Kubernetes does), never make an object
/// collectable. Cycles of foreground deletion are broken as in Kubernetes, by clearing <c>blockOwnerDeletion</c> on the
/// references of a dependent that has a dependent itself waiting for its dependents.</para>
/// </remarks>
internal sealed partial class GarbageCollectorReconciler
{
    /// <summary>The finalizer of foreground cascading deletion, added by the store on a Foreground delete.</summary>
    public const string ForegroundDeletionFinalizer = ObjectLifecycle.ForegroundDeletionFinalizer;

    /// <summary>The finalizer of orphaning deletion, added by the store on an Orphan delete.</summary>
    public const string OrphanFinalizer = ObjectLifecycle.OrphanFinalizer;

    /// <summary>The reason of the warning event about a cluster-scoped dependent with a namespaced owner.</summary>
    public const string OwnerRefInvalidNamespace = "OwnerRefInvalidNamespace";

    /// <summary>How long after its creation an object's dependents are looked up in the store, not only in the caches.</summary>
    private static readonly TimeSpan RecentlyCreated = TimeSpan.FromSeconds(10);

    private readonly IObjectStore _store;
    private readonly TimeProvider _time;
    private readonly Dictionary<ResourceKind, UntypedInformer> _informers = new(ReferenceEqualityComparer.Instance);
    private readonly IEventRecorder _events;
    private readonly ILogger _logger;
    private readonly Action<GarbageCollectorItem> _enqueue;

    /// <summary>Creates a reconciler over the informers of every collected kind.</summary>
    /// <param name="store">Where objects are re-read, deleted and updated.</param>
    /// <param name="time">The clock that tells how recently an object was created.</param>
    /// <param name="informers">One informer per collected kind; objects of other kinds are never collected.</param>
    /// <param name="events">Records warnings about invalid owner references.</param>
    /// <param name="logger">Receives what the collector does.</param>
    /// <param name="enqueue">Queues another object for collection (the dependents of an owner deleted in the foreground).</param>
    public GarbageCollectorReconciler(
        IObjectStore store, TimeProvider time, IEnumerable<UntypedInformer> informers, IEventRecorder events, ILogger logger,
        Action<GarbageCollectorItem> enqueue)
    {
        _store = store;
        _time = time;
        foreach (var informer in informers) _informers[informer.Kind] = informer;
        _events = events;
        _logger = logger;
        _enqueue = enqueue;
    }

    /// <summary>Collects, orphans around, or finalizes the object <paramref name="item"/> names; see the type's remarks.</summary>
    /// <returns>Always <see cref="ReconcileResult.Done"/>: later changes of the object, its owners or its dependents queue it again.</returns>
    /// <exception cref="Exception">A store call failed; the item is retried with back-off.</exception>
    public async Task<ReconcileResult> ReconcileAsync(GarbageCollectorItem item, CancellationToken cancellationToken)
    {
        if (!_informers.TryGetValue(item.Kind, out var informer)) return ReconcileResult.Done;
        var obj = informer.Get(item.Key.Namespace, item.Key.Name);
        if (obj is null) return ReconcileResult.Done; // Its dependents were queued when it was deleted.

        if (obj.Metadata.DeletionTimestamp is not null)
        {
            if (obj.Metadata.Finalizers.Contains(OrphanFinalizer))
            {
                await OrphanDependentsAsync(item.Kind, obj, cancellationToken).ConfigureAwait(false);
            }
            else if (obj.Metadata.Finalizers.Contains(ForegroundDeletionFinalizer))
            {
                await DeleteDependentsAsync(item.Kind, obj, cancellationToken).ConfigureAwait(false);
            }
            // An object already being deleted is not collected again.
            return ReconcileResult.Done;
        }

        if (obj.Metadata.OwnerReferences.Count > 0) await AttemptToDeleteAsync(item.Kind, obj, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    /// <summary>Deletes <paramref name="cached"/> when none of its owners remains, or drops references to owners that are gone.</summary>
    private async Task AttemptToDeleteAsync(ResourceKind kind, KubernetesObject cached, CancellationToken cancellationToken)
    {
        var owners = await ClassifyAsync(kind, cached, live: false, cancellationToken).ConfigureAwait(false);
        if (owners.Dangling.Count == 0 && owners.Waiting.Count == 0) return;

        // Decide on the store's state: the dependent may have changed and its owners' caches may lag.
        var latest = await _store.GetAsync(kind, cached.Metadata.Namespace, cached.Metadata.Name!, cancellationToken).ConfigureAwait(false);
        if (latest is null || latest.Metadata.Uid != cached.Metadata.Uid || latest.Metadata.DeletionTimestamp is not null) return;
        if (latest.Metadata.OwnerReferences.Count == 0) return;
        owners = await ClassifyAsync(kind, latest, live: true, cancellationToken).ConfigureAwait(false);

        if (owners.Solid.Count > 0)
        {
            var stale = owners.Dangling.Concat(owners.Waiting).Select(r => r.Uid).ToHashSet(StringComparer.Ordinal);
            if (stale.Count > 0) await RemoveOwnerReferencesAsync(kind, latest, stale, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (owners.Waiting.Count > 0)
        {
            // Whether it has dependents decides whether the wait propagates down. A dependent written moments ago may not
            // be in its kind's cache yet (Kubernetes' graph has the same race); for an object that is itself that young,
            // as after applying and deleting a set of manifests at once, an empty answer is confirmed with the store. An
            // older object is trusted to the cache: confirming every leaf of a large cascade would list its namespace each time.
            var dependents = CachedDependents(latest.Metadata.Uid!);
            if (dependents.Count == 0 && IsRecent(latest)) dependents = await ListDependentsAsync(kind, latest, cancellationToken).ConfigureAwait(false);
            if (dependents.Count > 0)
            {
                if (dependents.Any(d => d.Object.IsDeletingDependents()))
                {
                    // A cycle (or a dependent already waiting on this object): waiting for it would deadlock.
                    await UnblockOwnerReferencesAsync(kind, latest, cancellationToken).ConfigureAwait(false);
                    return;
                }
                await DeleteAsync(kind, latest, PropagationPolicy.Foreground, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        var policy = latest.Metadata.Finalizers.Contains(OrphanFinalizer) ? PropagationPolicy.Orphan
            : latest.Metadata.Finalizers.Contains(ForegroundDeletionFinalizer) ? PropagationPolicy.Foreground
            : PropagationPolicy.Background;
        await DeleteAsync(kind, latest, policy, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the owner's reference from every dependent, then the <c>orphan</c> finalizer from the owner.</summary>
    private async Task OrphanDependentsAsync(ResourceKind kind, KubernetesObject owner, CancellationToken cancellationToken)
    {
        var uid = owner.Metadata.Uid!;
        var dependents = await ListDependentsAsync(kind, owner, cancellationToken).ConfigureAwait(false);
        foreach (var (dependentKind, dependent) in dependents)
        {
            await RemoveOwnerReferencesAsync(dependentKind, dependent, new HashSet<string>(StringComparer.Ordinal) { uid }, cancellationToken)
                .ConfigureAwait(false);
        }
        await RemoveFinalizerAsync(kind, owner, OrphanFinalizer, cancellationToken).ConfigureAwait(false);
        GarbageCollectorLog.Orphaned(_logger, kind.Kind, ObjectKey.Of(owner).ToString(), dependents.Count);
    }

    /// <summary>Queues the dependents of an owner deleted in the foreground; removes its finalizer once none blocks it.</summary>
    private async Task DeleteDependentsAsync(ResourceKind kind, KubernetesObject owner, CancellationToken cancellationToken)
    {
        var uid = owner.Metadata.Uid!;
        if (QueueDependents(CachedDependents(uid), uid)) return;

        // The caches of the dependents' kinds may lag this owner's: only the store can tell that no blocking dependent is left.
        var dependents = await ListDependentsAsync(kind, owner, cancellationToken).ConfigureAwait(false);
        if (QueueDependents(dependents, uid)) return;

        await RemoveFinalizerAsync(kind, owner, ForegroundDeletionFinalizer, cancellationToken).ConfigureAwait(false);
        GarbageCollectorLog.DependentsDeleted(_logger, kind.Kind, ObjectKey.Of(owner).ToString());
    }

    /// <summary>Queues every dependent not yet being deleted; true when one of them blocks the owner's deletion.</summary>
    private bool QueueDependents(IReadOnlyList<(ResourceKind Kind, KubernetesObject Object)> dependents, string ownerUid)
    {
        var blocking = false;
        foreach (var (dependentKind, dependent) in dependents)
        {
            if (dependent.Metadata.DeletionTimestamp is null) _enqueue(GarbageCollectorItem.Of(dependentKind, dependent));
            blocking |= dependent.ReferenceTo(ownerUid)?.BlockOwnerDeletion == true;
        }
        return blocking;
    }

    private bool IsRecent(KubernetesObject obj) =>
        obj.Metadata.CreationTimestamp is not { } created || _time.GetUtcNow() - created < RecentlyCreated;

    /// <summary>Sorts the owner references of <paramref name="dependent"/> by the state of their owners.</summary>
    private async ValueTask<ClassifiedOwners> ClassifyAsync(ResourceKind kind, KubernetesObject dependent, bool live, CancellationToken cancellationToken)
    {
        var result = new ClassifiedOwners([], [], []);
        foreach (var reference in dependent.Metadata.OwnerReferences)
        {
            var ownerKind = reference.ResolveKind();
            if (ownerKind is null)
            {
                if (!live) GarbageCollectorLog.UnknownOwnerKind(_logger, kind.Kind, ObjectKey.Of(dependent).ToString(), reference.ApiVersion, reference.Kind);
                result.Solid.Add(reference);
                continue;
            }
            if (!kind.Namespaced && ownerKind.Namespaced)
            {
                if (!live)
                {
                    _events.Warning(dependent, OwnerRefInvalidNamespace,
                        $"ownerRef [{reference.ApiVersion}/{reference.Kind}, name: {reference.Name}, uid: {reference.Uid}] is namespaced, " +
                        "but a cluster-scoped object can only have cluster-scoped owners");
                }
                result.Solid.Add(reference);
                continue;
            }
            var ns = OwnerReferenceExtensions.OwnerNamespace(ownerKind, dependent.Metadata.Namespace);
            var owner = !live && _informers.TryGetValue(ownerKind, out var informer)
                ? informer.Get(ns, reference.Name)
                : await _store.GetAsync(ownerKind, ns, reference.Name, cancellationToken).ConfigureAwait(false);
            if (owner is null || owner.Metadata.Uid != reference.Uid) result.Dangling.Add(reference);
            else if (owner.IsDeletingDependents()) result.Waiting.Add(reference);
            else result.Solid.Add(reference);
        }
        return result;
    }

    /// <summary>The cached objects of every collected kind with a reference to <paramref name="ownerUid"/>.</summary>
    private List<(ResourceKind Kind, KubernetesObject Object)> CachedDependents(string ownerUid)
    {
        var result = new List<(ResourceKind, KubernetesObject)>();
        foreach (var (kind, informer) in _informers)
        {
            foreach (var dependent in informer.ByIndex(IndexNames.OwnerUid, ownerUid)) result.Add((kind, dependent));
        }
        return result;
    }

    /// <summary>The owner references of a dependent by the state of their owners.</summary>
    /// <param name="Solid">Owners that exist and are not waiting for their dependents (or that cannot be resolved).</param>
    /// <param name="Dangling">Owners that do not exist (no object of that name, or one with another uid).</param>
    /// <param name="Waiting">Owners being deleted in the foreground, waiting for their dependents.</param>
    private sealed record ClassifiedOwners(List<OwnerReference> Solid, List<OwnerReference> Dangling, List<OwnerReference> Waiting);
}
