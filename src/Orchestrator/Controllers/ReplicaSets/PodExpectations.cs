using System.Collections.Concurrent;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// What a controller is waiting for its informer to show after its own creates and deletes (client-go's
/// <c>UIDTrackingControllerExpectations</c>), so that a reconcile running before the informer has caught up does not
/// create or delete the same pods twice.
/// </summary>
/// <remarks>
/// <para>Unlike client-go, which counts informer events, this tracks the pods themselves (name and uid) and checks them
/// against the lister when asked: a create is observed once the lister shows the pod (or the store no longer has it, for
/// a pod deleted before the informer saw it); a delete once the lister shows the pod gone or being deleted. Nothing has
/// to hook informer events, and an event the informer folded away cannot leave an expectation behind.</para>
/// <para>Expectations expire after <see cref="Timeout"/> (5 minutes, as in Kubernetes) as a last resort. The controller
/// engine never reconciles one key on two workers, so per-owner records need no lock; the map is concurrent.</para>
/// </remarks>
internal sealed class PodExpectations
{
    /// <summary>How long an unobserved expectation blocks its owner.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<ObjectKey, Record> _records = new();

    /// <summary>Records that the owner identified by <paramref name="owner"/> (with <paramref name="ownerUid"/>) created <paramref name="pod"/>.</summary>
    public void ExpectCreated(ObjectKey owner, string ownerUid, Pod pod, DateTimeOffset now) =>
        RecordFor(owner, ownerUid, now).Creates[pod.Metadata.Name ?? ""] = pod.Metadata.Uid ?? "";

    /// <summary>Records that the owner deleted (or is about to delete) <paramref name="pod"/>.</summary>
    public void ExpectDeleted(ObjectKey owner, string ownerUid, Pod pod, DateTimeOffset now) =>
        RecordFor(owner, ownerUid, now).Deletes[pod.Metadata.Name ?? ""] = pod.Metadata.Uid ?? "";

    /// <summary>Withdraws the expectation of a delete that did not happen.</summary>
    public void DeleteFailed(ObjectKey owner, Pod pod)
    {
        if (_records.TryGetValue(owner, out var record)) record.Deletes.Remove(pod.Metadata.Name ?? "");
    }

    /// <summary>Drops everything recorded for the owner (it was deleted).</summary>
    public void Forget(ObjectKey owner) => _records.TryRemove(owner, out _);

    /// <summary>
    /// True when every create and delete recorded for the owner is visible in <paramref name="pods"/>, or the record
    /// expired, or there is none. Observed entries are removed.
    /// </summary>
    public async ValueTask<bool> SatisfiedAsync(ObjectKey owner, string ownerUid, ILister<Pod> pods, IObjectReader store, DateTimeOffset now,
        CancellationToken ct)
    {
        if (!_records.TryGetValue(owner, out var record)) return true;
        if (record.OwnerUid != ownerUid || now - record.Since > Timeout)
        {
            _records.TryRemove(owner, out _);
            return true;
        }
        foreach (var (name, uid) in record.Deletes.ToArray())
        {
            var cached = pods.Get(owner.Namespace, name);
            if (cached is null || cached.Metadata.Uid != uid || cached.Metadata.DeletionTimestamp is not null) record.Deletes.Remove(name);
        }
        foreach (var (name, uid) in record.Creates.ToArray())
        {
            var cached = pods.Get(owner.Namespace, name);
            if (cached is not null)
            {
                record.Creates.Remove(name);
                continue;
            }
            // Not in the cache: either the informer lags, or the pod was deleted before it was seen.
            var stored = await store.GetAsync(ApiResources.For<Pod>(), owner.Namespace, name, ct).ConfigureAwait(false);
            if (stored is null || stored.Metadata.Uid != uid) record.Creates.Remove(name);
        }
        if (record.Creates.Count > 0 || record.Deletes.Count > 0) return false;
        _records.TryRemove(owner, out _);
        return true;
    }

    private Record RecordFor(ObjectKey owner, string ownerUid, DateTimeOffset now)
    {
        var record = _records.GetOrAdd(owner, _ => new Record(ownerUid, now));
        if (record.OwnerUid != ownerUid)
        {
            record = new Record(ownerUid, now);
            _records[owner] = record;
        }
        return record;
    }

    private sealed class Record(string ownerUid, DateTimeOffset since)
    {
        public string OwnerUid { get; } = ownerUid;

        public DateTimeOffset Since { get; } = since;

        public Dictionary<string, string> Creates { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Deletes { get; } = new(StringComparer.Ordinal);
    }
}
