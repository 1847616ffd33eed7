using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Tests.Controllers.ReplicaSets;

/// <summary>
/// The store as the controllers see it, with a pod quota in front, the way Kubernetes' ResourceQuota admission rejects
/// creates: while <see cref="Exceeded"/> is true, every pod create fails with 403 Forbidden. Counts the attempts.
/// </summary>
internal sealed class QuotaStore(IObjectStore inner) : IObjectStore
{
    private int _rejected;

    public volatile bool Exceeded;

    public int Rejected => Volatile.Read(ref _rejected);

    public long CurrentResourceVersion => inner.CurrentResourceVersion;

    public ValueTask<KubernetesObject> CreateAsync(KubernetesObject obj, CancellationToken cancellationToken = default)
    {
        if (obj is Pod && Exceeded)
        {
            Interlocked.Increment(ref _rejected);
            throw new ForbiddenException("pods is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2");
        }
        return inner.CreateAsync(obj, cancellationToken);
    }

    public ValueTask<KubernetesObject?> GetAsync(ResourceKind kind, string? @namespace, string name, CancellationToken cancellationToken = default) =>
        inner.GetAsync(kind, @namespace, name, cancellationToken);

    public ValueTask<ObjectList<KubernetesObject>> ListAsync(ResourceKind kind, ListOptions? options = null, CancellationToken cancellationToken = default) =>
        inner.ListAsync(kind, options, cancellationToken);

    public IObservable<WatchEvent<KubernetesObject>> Watch(ResourceKind kind, WatchOptions? options = null) => inner.Watch(kind, options);

    public ValueTask<KubernetesObject> UpdateAsync(KubernetesObject obj, CancellationToken cancellationToken = default) =>
        inner.UpdateAsync(obj, cancellationToken);

    public ValueTask<KubernetesObject> UpdateStatusAsync(KubernetesObject obj, CancellationToken cancellationToken = default) =>
        inner.UpdateStatusAsync(obj, cancellationToken);

    public ValueTask<KubernetesObject?> DeleteAsync(ResourceKind kind, string? @namespace, string name, DeleteOptions? options = null,
        CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(kind, @namespace, name, options, cancellationToken);
}
