using System.Collections.Concurrent;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// Remembers the writes a controller made to an owner's dependents until its informer cache shows them, so that a
/// reconcile reading a lagging lister neither creates a second pod for the same slot, nor deletes one twice, nor counts a
/// pod it already counted (the role of Kubernetes' <c>ControllerExpectations</c> and <c>uidTrackingExpectations</c>,
/// keyed by the objects themselves instead of counts).
/// </summary>
/// <remarks>
/// A reconcile calls <see cref="SatisfiedAsync"/> first and, when it returns false, leaves the dependents alone and returns
/// <see cref="ReconcileResult.Done"/>: the informer event that brings the pending write into the cache re-enqueues the
/// owner. An object the cache does not show as expected is looked up in the store once; when the store does not show the
/// expected state either (the object was changed or deleted again meanwhile), the expectation is dropped, so an
/// expectation never blocks forever. Thread-safe; the engine serializes the calls for one owner.
/// </remarks>
/// <typeparam name="T">The dependent kind.</typeparam>
internal sealed class DependentExpectations<T> where T : KubernetesObject
{
    private readonly ConcurrentDictionary<ObjectKey, Pending> _pending = new();

    /// <summary>Records that <paramref name="created"/> (as the store returned it) was created for <paramref name="owner"/>.</summary>
    public void Created(ObjectKey owner, T created)
    {
        var uid = created.Metadata.Uid;
        Expect(owner, created, o => o is not null && o.Metadata.Uid == uid);
    }

    /// <summary>Records that a delete of <paramref name="deleted"/> was requested for <paramref name="owner"/>.</summary>
    public void Deleted(ObjectKey owner, T deleted)
    {
        var uid = deleted.Metadata.Uid;
        Expect(owner, deleted, o => o is null || o.Metadata.Uid != uid || o.Metadata.DeletionTimestamp is not null);
    }

    /// <summary>Records that the finalizer <paramref name="finalizer"/> was removed from <paramref name="obj"/>.</summary>
    public void FinalizerRemoved(ObjectKey owner, T obj, string finalizer)
    {
        var uid = obj.Metadata.Uid;
        Expect(owner, obj, o => o is null || o.Metadata.Uid != uid || !o.Metadata.Finalizers.Contains(finalizer));
    }

    /// <summary>
    /// Records a write to <paramref name="obj"/> that is visible once <paramref name="isObserved"/> holds for the object of
    /// that name (null when there is none). A later expectation for the same object replaces an earlier one.
    /// </summary>
    public void Expect(ObjectKey owner, T obj, Func<T?, bool> isObserved)
    {
        if (obj.Metadata.Uid is not { Length: > 0 } uid) return;
        _pending.GetOrAdd(owner, static _ => new Pending()).Add(uid, obj.Metadata.Namespace ?? "", obj.Metadata.Name ?? "", isObserved);
    }

    /// <summary>Drops everything recorded for <paramref name="owner"/> (it was deleted).</summary>
    public void Forget(ObjectKey owner) => _pending.TryRemove(owner, out _);

    /// <summary>True when the cache reflects every write recorded for <paramref name="owner"/>.</summary>
    public async ValueTask<bool> SatisfiedAsync(ObjectKey owner, ILister<T> lister, IObjectReader store, CancellationToken cancellationToken)
    {
        if (!_pending.TryGetValue(owner, out var pending)) return true;
        var kind = ApiResources.For<T>();
        foreach (var (uid, ns, name, isObserved) in pending.Snapshot())
        {
            if (!isObserved(lister.Get(ns, name)))
            {
                // The store already shows the write: the informer has yet to deliver it. Otherwise it was superseded.
                var stored = (T?)await store.GetAsync(kind, ns, name, cancellationToken).ConfigureAwait(false);
                if (isObserved(stored)) return false;
            }
            pending.Remove(uid);
        }
        if (pending.IsEmpty) _pending.TryRemove(KeyValuePair.Create(owner, pending));
        return true;
    }

    private sealed class Pending
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, (string Namespace, string Name, Func<T?, bool> IsObserved)> _items = [];

        public bool IsEmpty
        {
            get
            {
                lock (_gate) return _items.Count == 0;
            }
        }

        public void Add(string uid, string ns, string name, Func<T?, bool> isObserved)
        {
            lock (_gate) _items[uid] = (ns, name, isObserved);
        }

        public void Remove(string uid)
        {
            lock (_gate) _items.Remove(uid);
        }

        public (string Uid, string Namespace, string Name, Func<T?, bool> IsObserved)[] Snapshot()
        {
            lock (_gate) return [.. _items.Select(i => (i.Key, i.Value.Namespace, i.Value.Name, i.Value.IsObserved))];
        }
    }
}
