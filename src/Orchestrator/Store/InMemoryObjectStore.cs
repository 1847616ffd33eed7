using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Validation;

namespace Orchestrator.Store;

/// <summary>
/// The object store of an embedded cluster: every kind of <see cref="ApiResources"/> kept in memory, with one
/// cluster-wide resourceVersion, optimistic concurrency, Kubernetes create/update/delete semantics and watches.
/// </summary>
/// <remarks>
/// <para><b>Ownership.</b> The store keeps the object given to a write (after defaulting, with its store-owned metadata
/// set) as its own snapshot and hands the same instance to every reader. Objects are immutable records and their
/// collections are read-only interfaces; a caller must not mutate a collection instance after passing it in (for
/// example a <see cref="List{T}"/> behind an <see cref="IReadOnlyList{T}"/>).</para>
/// <para><b>Consistency.</b> Writes are linearizable and each takes the next resourceVersion. Gets read the latest
/// committed state without locks. Lists are exact snapshots at their resourceVersion, read without blocking writers.
/// Watches see every change of their kind exactly once, in resourceVersion order (see <see cref="IObjectReader.Watch"/>).</para>
/// <para><b>Namespaces.</b> <c>default</c>, <c>kube-system</c>, <c>kube-public</c> and <c>kube-node-lease</c> exist from
/// the start. Namespaced objects can only be created in an existing namespace that is not terminating. Deleting a
/// namespace marks it Terminating; it is removed when an update clears its <c>spec.finalizers</c> (the namespace
/// controller's finalize step) and no metadata finalizer remains.</para>
/// <para><b>Metrics.</b> Meter <c>Orchestrator.Store</c>: <c>orchestrator.store.writes</c> (by kind and verb),
/// <c>orchestrator.store.watches</c> and <c>orchestrator.store.watch_overflows</c> (by kind).</para>
/// </remarks>
/// <example>
/// <code>
/// using var store = new InMemoryObjectStore(TimeProvider.System);
/// var pod = await store.CreateAsync(new Pod { Metadata = new() { Name = "web", Namespace = "default" }, Spec = spec });
/// await store.UpdateWithRetryAsync&lt;Pod&gt;("default", "web", p =&gt; p with { Metadata = p.Metadata with { Labels = labels } });
/// </code>
/// </example>
public sealed partial class InMemoryObjectStore : IObjectStore, IDisposable
{
    private static readonly string[] InitialNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    private readonly TimeProvider _time;
    private readonly FrozenDictionary<Type, KindStore> _byType;
    private readonly Dictionary<ResourceKind, KindStore> _byKind = new(ReferenceEqualityComparer.Instance);
    private readonly KindStore _namespaces;
    private readonly Random? _random;
    private readonly Lock _randomGate = new();
    private readonly ITimer _bookmarkTimer;
    private long _bookmarkEpoch;
    private int _openWatches;
    private volatile bool _disposed;

    /// <summary>Creates a store on the system clock with default options.</summary>
    public InMemoryObjectStore()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates a store.</summary>
    /// <param name="timeProvider">The clock for creation and deletion timestamps and for bookmarks.</param>
    /// <param name="options">History and watch tuning; null for the defaults.</param>
    /// <param name="logger">Receives watch overflows and observer failures; null for none.</param>
    public InMemoryObjectStore(TimeProvider timeProvider, InMemoryObjectStoreOptions? options = null, ILogger<InMemoryObjectStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        options ??= new InMemoryObjectStoreOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WatchHistorySize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WatchBufferSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.BookmarkInterval, TimeSpan.Zero);
        _time = timeProvider;
        _random = options.Random;
        _serviceAllocations = CreateServiceAllocations(options);
        Logger = logger ?? (ILogger)NullLogger.Instance;
        WatchBufferSize = options.WatchBufferSize;
        var byType = new Dictionary<Type, KindStore>();
        foreach (var kind in ApiResources.All)
        {
            var store = new KindStore(kind, Clock, options.WatchHistorySize);
            byType[kind.ClrType] = store;
            _byKind[kind] = store;
        }
        _byType = byType.ToFrozenDictionary();
        _namespaces = _byType[typeof(Namespace)];
        foreach (var name in InitialNamespaces) Create(new Namespace { Metadata = new ObjectMeta { Name = name } });
        _bookmarkTimer = timeProvider.CreateTimer(static s => ((InMemoryObjectStore)s!).OnBookmarkTimer(), this,
            options.BookmarkInterval, options.BookmarkInterval);
    }

    /// <inheritdoc/>
    public long CurrentResourceVersion => Clock.Current;

    internal ResourceVersionClock Clock { get; } = new();

    internal ILogger Logger { get; }

    internal StoreMetrics Metrics { get; } = new();

    internal int WatchBufferSize { get; }

    internal long BookmarkEpoch => Volatile.Read(ref _bookmarkEpoch);

    internal bool IsDisposed => _disposed;

    /// <inheritdoc/>
    public ValueTask<KubernetesObject?> GetAsync(ResourceKind kind, string? @namespace, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var store = For(kind);
        return new ValueTask<KubernetesObject?>(store.Find(KeyFor(kind, @namespace, name))?.Current);
    }

    /// <inheritdoc/>
    public ValueTask<ObjectList<KubernetesObject>> ListAsync(ResourceKind kind, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var store = For(kind);
        var filter = WatchFilter.Create(kind, options);
        var limit = options?.Limit ?? 0;
        if (limit < 0) throw new BadRequestException($"limit must not be negative, got {limit}");
        ContinueToken? token = string.IsNullOrEmpty(options?.Continue) ? null : ContinueToken.Decode(options.Continue);
        var snapshot = store.ReadSnapshot(filter, token?.ResourceVersion, token?.After);
        try
        {
            var entries = snapshot.Entries.AsSpan(0, snapshot.Count);
            var count = entries.Length;
            string? next = null;
            long? remaining = null;
            if (limit > 0 && count > limit)
            {
                Sorting.SmallestSorted(entries, limit);
                count = limit;
                next = new ContinueToken(snapshot.ResourceVersion, entries[limit - 1].Key).Encode();
                remaining = entries.Length - limit;
            }
            else
            {
                entries.Sort();
            }
            // An array of the kind's own type, so typed callers can use it without copying. Every stored object is of
            // exactly that type, so the elements are written without the covariant store check, which would read each
            // object's header (a cache miss per item on large lists).
            var items = (KubernetesObject[])Array.CreateInstance(kind.ClrType, count);
            ref var item = ref MemoryMarshal.GetArrayDataReference(items);
            for (var i = 0; i < count; i++) Unsafe.Add(ref item, i) = entries[i].Object;
            var list = new ObjectList<KubernetesObject>(items, ResourceVersions.Format(snapshot.ResourceVersion), next, remaining);
            return new ValueTask<ObjectList<KubernetesObject>>(list);
        }
        finally
        {
            snapshot.Return();
        }
    }

    /// <inheritdoc/>
    /// <exception cref="BadRequestException">A selector does not parse or names an unsupported field (thrown at once).</exception>
    public IObservable<WatchEvent<KubernetesObject>> Watch(ResourceKind kind, WatchOptions? options = null) =>
        new WatchObservable(this, For(kind), WatchFilter.Create(kind, options), options);

    /// <inheritdoc/>
    /// <exception cref="BadRequestException"><c>metadata.resourceVersion</c> is set.</exception>
    public ValueTask<KubernetesObject> CreateAsync(KubernetesObject obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        return new ValueTask<KubernetesObject>(Create(obj));
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The uid, creationTimestamp, deletionTimestamp and deletionGracePeriodSeconds are kept as stored (a different uid is
    /// rejected), and while the object is being deleted no finalizer may be added. An update that changes nothing returns
    /// the stored object without a new resourceVersion or watch event.
    /// </remarks>
    public ValueTask<KubernetesObject> UpdateAsync(KubernetesObject obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        return new ValueTask<KubernetesObject>(Update(obj));
    }

    /// <inheritdoc/>
    /// <remarks>A status equal to the stored one returns the stored object without a new resourceVersion or watch event.</remarks>
    /// <exception cref="BadRequestException">The kind has no status.</exception>
    public ValueTask<KubernetesObject> UpdateStatusAsync(KubernetesObject obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        return new ValueTask<KubernetesObject>(UpdateStatus(obj));
    }

    /// <inheritdoc/>
    /// <remarks>The rules for pods, namespaces and finalizers are those of Kubernetes' registry strategies.</remarks>
    /// <exception cref="ForbiddenException">The namespace <c>default</c>, <c>kube-system</c> or <c>kube-public</c> was to be deleted.</exception>
    public ValueTask<KubernetesObject?> DeleteAsync(ResourceKind kind, string? @namespace, string name, DeleteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        return new ValueTask<KubernetesObject?>(Delete(kind, @namespace, name, options));
    }

    /// <summary>Completes every open watch (<see cref="IObserver{T}.OnCompleted"/>) and rejects later writes.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Interlocked.MemoryBarrier();
        _bookmarkTimer.Dispose();
        foreach (var store in _byType.Values) store.Signal.Notify();
        StoreLog.Disposed(Logger, Volatile.Read(ref _openWatches));
        Metrics.Dispose();
    }

    internal void WatchOpened(KindStore kind)
    {
        Interlocked.Increment(ref _openWatches);
        Metrics.WatchOpened(kind.Kind.Kind);
    }

    internal void WatchClosed(KindStore kind)
    {
        Interlocked.Decrement(ref _openWatches);
        Metrics.WatchClosed(kind.Kind.Kind);
    }

    private void OnBookmarkTimer()
    {
        Interlocked.Increment(ref _bookmarkEpoch);
        foreach (var store in _byType.Values) store.Signal.Notify();
    }

    private KindStore For(ResourceKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (_byKind.TryGetValue(kind, out var store)) return store;
        if (ApiResources.Find(kind.ApiVersion, kind.Kind) is { } known && _byKind.TryGetValue(known, out store)) return store;
        throw new ArgumentException($"{kind} is not a supported kind; supported: {ApiResources.Supported}", nameof(kind));
    }

    private KindStore KindOf(KubernetesObject obj)
    {
        if (_byType.TryGetValue(obj.GetType(), out var store)) return store;
        ObjectValidator.EnsureValid(obj);
        throw new ArgumentException($"{obj.GetType().Name} is not a supported kind.", nameof(obj));
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
