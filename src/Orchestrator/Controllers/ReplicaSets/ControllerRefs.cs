using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// Controller references (the owner reference with <c>controller: true</c>) and the informer indexes the workload
/// controllers use to find their dependents without scanning a namespace.
/// </summary>
internal static class ControllerRefs
{
    /// <summary>
    /// Index of objects that have no controller reference, by namespace: the candidates for adoption. With
    /// <see cref="IndexNames.OwnerUid"/> for the owned objects, a reconcile touches only the objects that can concern it.
    /// </summary>
    public const string OrphansByNamespace = "workloads:orphans";

    /// <summary>Adds <see cref="OrphansByNamespace"/> to <paramref name="informer"/> (a no-op when present).</summary>
    public static void AddOrphanIndex<T>(IInformer<T> informer) where T : KubernetesObject =>
        informer.AddIndexer(OrphansByNamespace, static o => GetControllerOf(o) is null ? [o.Metadata.Namespace ?? ""] : []);

    /// <summary>
    /// The shared lister of <typeparamref name="T"/> with <see cref="OrphansByNamespace"/> added, as <see cref="Candidates"/>
    /// needs it: what a controller that claims <typeparamref name="T"/> objects reads its dependents from.
    /// </summary>
    public static ILister<T> ClaimableLister<T>(SharedInformerFactory informers) where T : KubernetesObject
    {
        var informer = informers.GetInformer<T>();
        AddOrphanIndex(informer);
        return informer.Lister;
    }

    /// <summary>The controller reference of <paramref name="obj"/>, or null.</summary>
    public static OwnerReference? GetControllerOf(KubernetesObject obj)
    {
        foreach (var reference in obj.Metadata.OwnerReferences)
        {
            if (reference.Controller == true) return reference;
        }
        return null;
    }

    /// <summary>True when <paramref name="obj"/>'s controller reference points to the object with <paramref name="uid"/>.</summary>
    public static bool IsControlledBy(KubernetesObject obj, string? uid) => uid is not null && GetControllerOf(obj)?.Uid == uid;

    /// <summary>The reference a controller puts on what it creates or adopts: <c>controller</c> and <c>blockOwnerDeletion</c> true.</summary>
    public static OwnerReference NewControllerRef(KubernetesObject owner) => new()
    {
        ApiVersion = owner.ApiVersion,
        Kind = owner.Kind,
        Name = owner.Metadata.Name ?? "",
        Uid = owner.Metadata.Uid ?? "",
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>The objects controlled by <paramref name="owner"/>, plus the orphans in its namespace; from the indexes.</summary>
    public static (IReadOnlyList<T> Owned, IReadOnlyList<T> Orphans) Candidates<T>(ILister<T> lister, KubernetesObject owner) where T : KubernetesObject
    {
        var uid = owner.Metadata.Uid ?? "";
        var owned = lister.ByIndex(IndexNames.OwnerUid, uid);
        var controlled = owned.Count == 0 ? owned : [.. owned.Where(o => IsControlledBy(o, uid))];
        return (controlled, lister.ByIndex(OrphansByNamespace, owner.Metadata.Namespace ?? ""));
    }
}
