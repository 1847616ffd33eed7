using Orchestrator.Api;

namespace Orchestrator.Store;

/// <summary>
/// The write side of the object store. Every write is validated, defaulted and versioned; a rejected write leaves the
/// store unchanged. Writes are linearizable: each gets the next cluster-wide resourceVersion.
/// </summary>
public interface IObjectWriter
{
    /// <summary>
    /// Creates <paramref name="obj"/>. The store sets uid, creationTimestamp, resourceVersion and generation 1, fills
    /// Kubernetes defaults, and generates the name from <c>metadata.generateName</c> when the name is empty.
    /// Status given on create is kept (as the Kubernetes API server does for most kinds).
    /// </summary>
    /// <returns>The stored object.</returns>
    /// <exception cref="Api.Errors.AlreadyExistsException">An object with that name exists.</exception>
    /// <exception cref="Api.Errors.BadRequestException"><c>metadata.resourceVersion</c> is set (as in Kubernetes).</exception>
    /// <exception cref="Api.Validation.ValidationException">The object is invalid; its message names each field.</exception>
    /// <exception cref="Api.Errors.NotFoundException">The namespace does not exist.</exception>
    /// <exception cref="Api.Errors.ForbiddenException">The namespace is terminating.</exception>
    ValueTask<KubernetesObject> CreateAsync(KubernetesObject obj, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the object's metadata and desired state; its status is kept as stored (use <see cref="UpdateStatusAsync"/>).
    /// When <c>metadata.resourceVersion</c> is set and differs from the stored one, the update fails with a conflict,
    /// so no concurrent update is ever lost; when it is empty the update is unconditional.
    /// <c>metadata.generation</c> is incremented only when the desired state changed. Removing the last finalizer of an
    /// object that is being deleted removes it; adding one then is rejected. An update that changes nothing returns the
    /// stored object without a new resourceVersion or watch event.
    /// </summary>
    /// <exception cref="Api.Errors.ConflictException">The resourceVersion is stale.</exception>
    /// <exception cref="Api.Errors.NotFoundException">The object does not exist.</exception>
    /// <exception cref="Api.Validation.ValidationException">The object is invalid.</exception>
    ValueTask<KubernetesObject> UpdateAsync(KubernetesObject obj, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces only the status of the stored object (the <c>/status</c> subresource); everything else in
    /// <paramref name="obj"/> is ignored. Same concurrency rules as <see cref="UpdateAsync"/>; a status equal to the stored
    /// one changes nothing.
    /// </summary>
    ValueTask<KubernetesObject> UpdateStatusAsync(KubernetesObject obj, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes an object. When finalizers remain (including those added by <see cref="DeleteOptions.PropagationPolicy"/>
    /// Foreground or Orphan) the object stays with a deletionTimestamp until they are removed. A Pod bound to a node is
    /// deleted gracefully: it gets a deletionTimestamp and deletionGracePeriodSeconds, and its node agent removes it once
    /// its containers have stopped (or a later delete with grace period 0 removes it).
    /// </summary>
    /// <returns>The object as it stays in the store (being deleted), or null when it was removed.</returns>
    /// <exception cref="Api.Errors.NotFoundException">The object does not exist.</exception>
    /// <exception cref="Api.Errors.ConflictException">A precondition failed.</exception>
    ValueTask<KubernetesObject?> DeleteAsync(ResourceKind kind, string? @namespace, string name, DeleteOptions? options = null, CancellationToken cancellationToken = default);
}

/// <summary>The object store: the API server and etcd of an embedded cluster.</summary>
public interface IObjectStore : IObjectReader, IObjectWriter
{
}
