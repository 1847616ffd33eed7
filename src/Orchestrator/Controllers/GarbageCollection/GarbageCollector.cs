using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// The garbage collector (kube-controller-manager's <c>garbagecollector</c>): watches every kind, turns changes into
/// work items and runs <see cref="GarbageCollectorReconciler"/> on them.
/// </summary>
/// <remarks>
/// <para>Its work items name an object of any kind, so it runs its own workers over a <see cref="WorkQueue{TKey}"/> of
/// <see cref="GarbageCollectorItem"/> rather than the per-kind <see cref="ControllerBuilder"/> engine, with the same
/// semantics: workers start once every informer has synced, one item is never processed twice at once, a failed item is
/// retried with the default per-item exponential back-off, and failures are logged once by the loop.</para>
/// <para>Events are mapped to items without scanning: an object is queued when it appears or its owner references
/// change (it may have no live owner), and when its deletion starts with a <c>foregroundDeletion</c> or <c>orphan</c>
/// finalizer. When an object leaves the cache, its dependents are found through each kind's
/// <see cref="IndexNames.OwnerUid"/> index and queued, and so are its owners that are being deleted (a foreground owner
/// may now be free to go).</para>
/// </remarks>
internal sealed class GarbageCollector : BackgroundService
{
    /// <summary>The controller name in logs, metrics and traces.</summary>
    public const string Name = "garbage-collector";

    private readonly IObjectStore _store;
    private readonly SharedInformerFactory _factory;
    private readonly IEventRecorderFactory _events;
    private readonly ControllerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly GarbageCollectorOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<ResourceKind, UntypedInformer> _informers = new(ReferenceEqualityComparer.Instance);

    public GarbageCollector(
        IObjectStore store, SharedInformerFactory factory, IEventRecorderFactory events, ControllerMetrics metrics, TimeProvider time,
        GarbageCollectorOptions options, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Workers, 1);
        _store = store;
        _factory = factory;
        _events = events;
        _metrics = metrics;
        _time = time;
        _options = options;
        _logger = logger;
        Queue = new WorkQueue<GarbageCollectorItem>(RateLimiters.Default<GarbageCollectorItem>(time), time);
    }

    /// <summary>The collector's work queue; exposed for tests and diagnostics.</summary>
    internal WorkQueue<GarbageCollectorItem> Queue { get; }

    public override void Dispose()
    {
        Queue.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var registrations = new List<IDisposable> { _metrics.TrackQueue(Name, () => Queue.Length) };
        try
        {
            foreach (var kind in ApiResources.All)
            {
                if (!_options.IgnoredKinds.Contains(kind.Kind)) _informers[kind] = UntypedInformer.For(_factory, kind);
            }
            var reconciler = new GarbageCollectorReconciler(_store, _time, _informers.Values, _events.CreateRecorder(Name), _logger, Queue.Add);
            foreach (var (kind, informer) in _informers)
            {
                registrations.Add(informer.AddEventHandler(
                    onAdd: obj => OnAdd(kind, obj),
                    onUpdate: (old, current) => OnUpdate(kind, old, current),
                    onDelete: obj => OnDelete(kind, obj)));
            }

            ControllerLog.WaitingForSync(_logger, Name, _informers.Count);
            await Task.WhenAll(_informers.Values.Select(i => i.Informer.WaitForSyncAsync(stoppingToken))).ConfigureAwait(false);

            ControllerLog.Started(_logger, Name, _options.Workers, "*");
            await new ReconcileWorkers<GarbageCollectorItem>(Name, Queue, _metrics, _time, _logger, item => (item.Kind.Kind, item.Key),
                reconciler.ReconcileAsync).RunAsync(_options.Workers, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var registration in registrations) registration.Dispose();
            Queue.ShutDown();
            ControllerLog.Stopped(_logger, Name);
        }
    }

    private void OnAdd(ResourceKind kind, KubernetesObject obj)
    {
        if (obj.Metadata.OwnerReferences.Count > 0 || obj.IsAwaitingCollector()) Queue.Add(GarbageCollectorItem.Of(kind, obj));
    }

    private void OnUpdate(ResourceKind kind, KubernetesObject old, KubernetesObject current)
    {
        if (old.Metadata.Uid != current.Metadata.Uid)
        {
            // Deleted and re-created between two observations (a relist): both happened.
            OnDelete(kind, old);
            OnAdd(kind, current);
            return;
        }
        var referencesChanged = !ReferencesEqual(old.Metadata.OwnerReferences, current.Metadata.OwnerReferences);
        if (referencesChanged || current.IsAwaitingCollector()) Queue.Add(GarbageCollectorItem.Of(kind, current));
        // An owner waiting for its dependents may be free once this one dropped its reference or stopped blocking.
        if (referencesChanged) QueueDeletingOwners(kind, old);
    }

    private void OnDelete(ResourceKind kind, KubernetesObject obj)
    {
        if (obj.Metadata.Uid is { Length: > 0 } uid)
        {
            foreach (var (dependentKind, informer) in _informers)
            {
                foreach (var dependent in informer.ByIndex(IndexNames.OwnerUid, uid)) Queue.Add(GarbageCollectorItem.Of(dependentKind, dependent));
            }
        }
        QueueDeletingOwners(kind, obj);
    }

    /// <summary>Queues the owners of <paramref name="dependent"/> that are being deleted, as the cache has them.</summary>
    private void QueueDeletingOwners(ResourceKind kind, KubernetesObject dependent)
    {
        foreach (var reference in dependent.Metadata.OwnerReferences)
        {
            if (reference.ResolveKind() is not { } ownerKind || !_informers.TryGetValue(ownerKind, out var informer)) continue;
            if (!kind.Namespaced && ownerKind.Namespaced) continue;
            var ns = OwnerReferenceExtensions.OwnerNamespace(ownerKind, dependent.Metadata.Namespace);
            if (informer.Get(ns, reference.Name) is { } owner && owner.Metadata.Uid == reference.Uid && owner.Metadata.DeletionTimestamp is not null)
            {
                Queue.Add(GarbageCollectorItem.Of(ownerKind, owner));
            }
        }
    }

    private static bool ReferencesEqual(IReadOnlyList<OwnerReference> a, IReadOnlyList<OwnerReference> b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.Count != b.Count) return false;
        for (var i = 0; i < a.Count; i++)
        {
            if (!Equals(a[i], b[i])) return false;
        }
        return true;
    }
}
