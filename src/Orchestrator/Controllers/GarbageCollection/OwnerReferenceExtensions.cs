using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>Resolution of owner references for the garbage collector.</summary>
internal static class OwnerReferenceExtensions
{
    /// <summary>
    /// The kind an owner reference points to: by <c>apiVersion</c> and <c>kind</c>, or by group and kind when the version
    /// differs (a reference written against another version of the same group); null for a kind the registry lacks.
    /// </summary>
    public static ResourceKind? ResolveKind(this OwnerReference reference)
    {
        if (ApiResources.Find(reference.ApiVersion, reference.Kind) is { } exact) return exact;
        var slash = reference.ApiVersion.IndexOf('/');
        var group = slash < 0 ? "" : reference.ApiVersion[..slash];
        foreach (var kind in ApiResources.All)
        {
            if (kind.Kind == reference.Kind && kind.Group == group) return kind;
        }
        return null;
    }

    /// <summary>The namespace the owner of a dependent in <paramref name="dependentNamespace"/> lives in: the same one, or none for a cluster-scoped owner.</summary>
    public static string OwnerNamespace(ResourceKind ownerKind, string? dependentNamespace) =>
        ownerKind.Namespaced ? dependentNamespace ?? "" : "";

    /// <summary>The reference of <paramref name="obj"/> to the owner with <paramref name="uid"/>, or null.</summary>
    public static OwnerReference? ReferenceTo(this KubernetesObject obj, string uid)
    {
        foreach (var reference in obj.Metadata.OwnerReferences)
        {
            if (reference.Uid == uid) return reference;
        }
        return null;
    }

    /// <summary>True when the object is being deleted and waits for the garbage collector (foreground or orphan finalizer).</summary>
    public static bool IsAwaitingCollector(this KubernetesObject obj) =>
        obj.Metadata.DeletionTimestamp is not null &&
        (obj.Metadata.Finalizers.Contains(GarbageCollectorReconciler.ForegroundDeletionFinalizer) ||
         obj.Metadata.Finalizers.Contains(GarbageCollectorReconciler.OrphanFinalizer));

    /// <summary>True when the object is being deleted in the foreground: it stays until its blocking dependents are gone.</summary>
    public static bool IsDeletingDependents(this KubernetesObject obj) =>
        obj.Metadata.DeletionTimestamp is not null && obj.Metadata.Finalizers.Contains(GarbageCollectorReconciler.ForegroundDeletionFinalizer);
}
