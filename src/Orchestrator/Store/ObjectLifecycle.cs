using Orchestrator.Api;
using Orchestrator.Api.Errors;

namespace Orchestrator.Store;

/// <summary>What a delete request does to a stored object.</summary>
internal enum DeletionAction
{
    /// <summary>Remove the object now.</summary>
    Remove,

    /// <summary>Keep the object in its new state (with a deletionTimestamp) until finalizers or the grace period are done.</summary>
    Update,

    /// <summary>The object is already being deleted as requested; return it unchanged.</summary>
    Unchanged,
}

/// <summary>The outcome of <see cref="ObjectLifecycle.PlanDeletion"/>; <see cref="Object"/> is the new state for <see cref="DeletionAction.Update"/>.</summary>
internal readonly record struct DeletionPlan(DeletionAction Action, KubernetesObject? Object = null);

/// <summary>
/// The kind-specific create and delete rules of the Kubernetes registry strategies: namespace finalization, graceful
/// pod deletion, deletion finalizers and propagation policies.
/// </summary>
/// <remarks>
/// <para>Namespaces: a created namespace gets <c>status.phase: Active</c> and the <c>kubernetes</c> finalizer in
/// <c>spec.finalizers</c>. Deleting it sets its deletionTimestamp and <c>status.phase: Terminating</c> (creating objects
/// in it is then forbidden); it stays until the namespace controller has removed its content and writes it back with
/// <c>spec.finalizers</c> empty through <see cref="IObjectWriter.UpdateAsync"/> — that update (or a later delete once
/// both finalizer lists are empty) removes it. <c>default</c>, <c>kube-system</c> and <c>kube-public</c> cannot be deleted.</para>
/// <para>Pods: the grace period is <see cref="DeleteOptions.GracePeriodSeconds"/>, else the pod's
/// <c>terminationGracePeriodSeconds</c>; it is 0 for a pod not bound to a node or already Succeeded or Failed. With a
/// positive grace period the pod stays with <c>deletionTimestamp = now + grace</c> and <c>deletionGracePeriodSeconds</c>
/// until a delete with grace period 0 (its node agent's, once the containers stopped); a later delete with a shorter
/// grace period shortens it.</para>
/// <para>Every kind: an object with finalizers stays with a deletionTimestamp (and <c>deletionGracePeriodSeconds: 0</c>)
/// until an update removes the last one. Propagation policy Foreground adds the <c>foregroundDeletion</c> finalizer and
/// Orphan the <c>orphan</c> finalizer, for the garbage collector to act on and remove.</para>
/// </remarks>
internal static class ObjectLifecycle
{
    /// <summary>The finalizer of foreground cascading deletion.</summary>
    public const string ForegroundDeletionFinalizer = "foregroundDeletion";

    /// <summary>The finalizer of orphaning deletion.</summary>
    public const string OrphanFinalizer = "orphan";

    /// <summary>The namespace finalizer removed by the namespace controller once the namespace is empty.</summary>
    public const string NamespaceFinalizer = "kubernetes";

    private static readonly string[] ProtectedNamespaces = ["default", "kube-system", "kube-public"];

    /// <summary>Kind-specific changes on create (Kubernetes' <c>PrepareForCreate</c>).</summary>
    public static KubernetesObject PrepareForCreate(KubernetesObject obj)
    {
        if (obj is not Namespace ns) return obj;
        var finalizers = ns.Spec.Finalizers.Contains(NamespaceFinalizer) ? ns.Spec.Finalizers : [.. ns.Spec.Finalizers, NamespaceFinalizer];
        var spec = ReferenceEquals(finalizers, ns.Spec.Finalizers) ? ns.Spec : ns.Spec with { Finalizers = finalizers };
        var status = ns.Status is { Phase: NamespacePhase.Active, Conditions.Count: 0 } ? ns.Status : new NamespaceStatus { Phase = NamespacePhase.Active };
        return ReferenceEquals(spec, ns.Spec) && ReferenceEquals(status, ns.Status) ? ns : ns with { Spec = spec, Status = status };
    }

    /// <summary>
    /// Kubernetes' <c>ShouldDeleteDuringUpdate</c>: an update of an object that is being deleted (per its stored metadata
    /// <paramref name="stored"/>) removes it when the <paramref name="updated"/> object has no finalizer left, no grace
    /// period is pending, and (for a namespace) <c>spec.finalizers</c> is empty.
    /// </summary>
    public static bool ShouldRemoveAfterUpdate(KubernetesObject updated, ObjectMeta stored)
    {
        if (stored.DeletionTimestamp is null || updated.Metadata.Finalizers.Count > 0 || stored.DeletionGracePeriodSeconds is > 0) return false;
        return updated is not Namespace ns || ns.Spec.Finalizers.Count == 0;
    }

    /// <summary>True when the namespace is being deleted, so no object may be created in it.</summary>
    public static bool IsTerminating(Namespace ns) =>
        ns.Metadata.DeletionTimestamp is not null || ns.Status?.Phase == NamespacePhase.Terminating;

    /// <summary>Decides what deleting <paramref name="stored"/> with <paramref name="options"/> at <paramref name="now"/> does.</summary>
    /// <exception cref="BadRequestException">The propagation policy is unknown.</exception>
    /// <exception cref="ForbiddenException">The object is a namespace that may not be deleted.</exception>
    public static DeletionPlan PlanDeletion(KubernetesObject stored, DeleteOptions? options, DateTimeOffset now)
    {
        var meta = stored.Metadata;
        if (stored is Namespace && ProtectedNamespaces.Contains(meta.Name))
        {
            throw new ForbiddenException($"namespaces \"{meta.Name}\" is forbidden: this namespace may not be deleted");
        }
        var finalizers = ApplyPropagation(meta.Finalizers, options?.PropagationPolicy);
        var finalizersChanged = !ReferenceEquals(finalizers, meta.Finalizers);
        var grace = PodGracePeriod(stored, options);
        var namespacePending = stored is Namespace { Spec.Finalizers.Count: > 0 };

        if (meta.DeletionTimestamp is null)
        {
            var graceful = grace > 0;
            if (finalizers.Count == 0 && !graceful && !namespacePending) return new(DeletionAction.Remove);
            var deleting = meta with
            {
                DeletionTimestamp = graceful ? now.AddSeconds(grace) : now,
                DeletionGracePeriodSeconds = graceful ? grace : 0,
                Finalizers = finalizers,
            };
            var updated = stored is Namespace ns
                ? ns with { Metadata = deleting, Status = (ns.Status ?? new NamespaceStatus()) with { Phase = NamespacePhase.Terminating } }
                : stored with { Metadata = deleting };
            return new(DeletionAction.Update, updated);
        }

        // Already being deleted: only a shorter pod grace period or a change of propagation finalizers changes anything.
        var currentGrace = meta.DeletionGracePeriodSeconds ?? 0;
        var newGrace = stored is Pod && grace < currentGrace ? grace : currentGrace;
        if (newGrace == currentGrace && !finalizersChanged)
        {
            return finalizers.Count == 0 && newGrace == 0 && !namespacePending ? new(DeletionAction.Remove) : new(DeletionAction.Unchanged);
        }
        if (finalizers.Count == 0 && newGrace == 0 && !namespacePending) return new(DeletionAction.Remove);
        var deadline = now.AddSeconds(newGrace);
        var shortened = meta with
        {
            DeletionGracePeriodSeconds = newGrace,
            DeletionTimestamp = newGrace < currentGrace && deadline < meta.DeletionTimestamp ? deadline : meta.DeletionTimestamp,
            Finalizers = finalizers,
        };
        return new(DeletionAction.Update, stored with { Metadata = shortened });
    }

    /// <summary>The grace period of deleting a pod (0 for other kinds), as Kubernetes' pod strategy computes it.</summary>
    private static long PodGracePeriod(KubernetesObject stored, DeleteOptions? options)
    {
        if (stored is not Pod pod) return 0;
        var grace = options?.GracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds;
        if (string.IsNullOrEmpty(pod.Spec.NodeName) || pod.IsTerminal()) grace = 0;
        // Kubernetes turns a negative period into 1 second so the pod still goes through its node agent.
        return grace < 0 ? 1 : grace;
    }

    private static IReadOnlyList<string> ApplyPropagation(IReadOnlyList<string> finalizers, string? policy)
    {
        switch (policy)
        {
            case null:
                return finalizers;
            case PropagationPolicy.Foreground:
                return WithFinalizers(finalizers, add: ForegroundDeletionFinalizer, remove: OrphanFinalizer);
            case PropagationPolicy.Orphan:
                return WithFinalizers(finalizers, add: OrphanFinalizer, remove: ForegroundDeletionFinalizer);
            case PropagationPolicy.Background:
                return WithFinalizers(WithFinalizers(finalizers, null, OrphanFinalizer), null, ForegroundDeletionFinalizer);
            default:
                throw new BadRequestException(
                    $"propagationPolicy \"{policy}\" is not supported; supported: {PropagationPolicy.Foreground}, {PropagationPolicy.Background}, {PropagationPolicy.Orphan}");
        }
    }

    /// <summary>The finalizers with <paramref name="add"/> appended and <paramref name="remove"/> left out; the same instance when nothing changes.</summary>
    private static IReadOnlyList<string> WithFinalizers(IReadOnlyList<string> finalizers, string? add, string remove)
    {
        var hasAdd = add is null || finalizers.Contains(add);
        var hasRemove = finalizers.Contains(remove);
        if (hasAdd && !hasRemove) return finalizers;
        var result = new List<string>(finalizers.Count + 1);
        foreach (var finalizer in finalizers)
        {
            if (finalizer != remove) result.Add(finalizer);
        }
        if (!hasAdd) result.Add(add!);
        return result.ToArray();
    }
}
