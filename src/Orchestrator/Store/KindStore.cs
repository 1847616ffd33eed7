using System.Buffers;
using System.Collections.Concurrent;
using System.Reflection;
using Orchestrator.Api;
using Orchestrator.Api.Errors;

namespace Orchestrator.Store;

/// <summary>
/// Storage of one kind: the key map (read without locks), the secondary indexes, the history ring and the watch signal.
/// Writers of the kind are serialized by <see cref="Gate"/>; writers of different kinds never contend except on the
/// shared resourceVersion counter.
/// </summary>
/// <remarks>
/// <para>Readers never hold <see cref="Gate"/> while they copy objects. A list is read multi-version style: it notes
/// the history position and resourceVersion under the lock (a few instructions), reads the current objects without the
/// lock, notes the position again, and then undoes, from the history, every change newer than the version it reads
/// at. Because every change keeps the previous state, this gives an exact snapshot at that version while writers keep
/// going, and the same mechanism serves continue tokens at older versions for as long as the history reaches back.
/// A plain per-kind lock held during the copy would stall writers for milliseconds on large kinds; copy-on-write
/// maps would cost every write an O(log n) allocation path.</para>
/// </remarks>
internal sealed class KindStore
{
    private readonly ConcurrentDictionary<ObjectKey, ObjectSlot> _slots = new();
    private readonly KindIndex _index;
    private readonly KeyOrder _order = new();
    private readonly ResourceVersionClock _clock;
    private readonly Func<KubernetesObject, object?>? _spec;
    private int _count;
    private readonly Func<KubernetesObject, object?>? _status;

    public KindStore(ResourceKind kind, ResourceVersionClock clock, int historySize)
    {
        Kind = kind;
        _clock = clock;
        _index = new KindIndex(kind);
        _spec = CreatePropertyAccessor(kind.ClrType, genericArgument: 0);
        _status = CreatePropertyAccessor(kind.ClrType, genericArgument: 1);
        History = new HistoryRing(historySize);
        QualifiedResource = kind.Group.Length == 0 ? kind.Plural : $"{kind.Plural}.{kind.Group}";
    }

    public ResourceKind Kind { get; }

    /// <summary>The resource as Kubernetes names it in messages: <c>pods</c>, <c>deployments.apps</c>.</summary>
    public string QualifiedResource { get; }

    /// <summary>True when the kind has a <c>status</c> (derives from <see cref="KubernetesObject{TSpec, TStatus}"/>).</summary>
    public bool HasStatus => _status is not null;

    /// <summary>Serializes writers of this kind.</summary>
    public Lock Gate { get; } = new();

    public HistoryRing History { get; }

    /// <summary>Wakes this kind's watchers after a change is published.</summary>
    public WatchSignal Signal { get; } = new();

    /// <summary>The number of stored objects (maintained by writers; <see cref="ConcurrentDictionary{TKey, TValue}.Count"/> takes every lock).</summary>
    public int Count => Volatile.Read(ref _count);

    public ObjectSlot? Find(ObjectKey key) => _slots.TryGetValue(key, out var slot) ? slot : null;

    /// <summary>Stores a new object. Caller holds <see cref="Gate"/> and checked that the key is free.</summary>
    public void Insert(ObjectKey key, KubernetesObject obj, long resourceVersion)
    {
        var slot = new ObjectSlot(key, obj);
        _slots[key] = slot;
        Volatile.Write(ref _count, _count + 1);
        _index.Add(slot, obj);
        _order.Inserted();
        History.Append(resourceVersion, WatchEventType.Added, obj, null);
    }

    /// <summary>Replaces the state of a live object. Caller holds <see cref="Gate"/>.</summary>
    public void Replace(ObjectSlot slot, KubernetesObject next, long resourceVersion)
    {
        var previous = slot.Current;
        _index.Update(slot, previous, next);
        slot.Current = next;
        History.Append(resourceVersion, WatchEventType.Modified, next, previous);
    }

    /// <summary>Removes a live object; <paramref name="final"/> is the state the Deleted event carries. Caller holds <see cref="Gate"/>.</summary>
    public void Remove(ObjectSlot slot, KubernetesObject final, long resourceVersion)
    {
        var previous = slot.Current;
        _slots.TryRemove(slot.Key, out _);
        Volatile.Write(ref _count, _count - 1);
        _index.Remove(slot, previous);
        slot.Removed = true;
        History.Append(resourceVersion, WatchEventType.Deleted, final, previous);
    }

    /// <summary>
    /// Reads the objects matching <paramref name="filter"/> as they were at resourceVersion <paramref name="at"/>
    /// (null: now), leaving out keys at or before <paramref name="after"/>. Unsorted; the caller returns
    /// <see cref="KindSnapshot.Entries"/> to the shared array pool.
    /// </summary>
    /// <exception cref="ResourceExpiredException"><paramref name="at"/> is older than the retained history.</exception>
    public KindSnapshot ReadSnapshot(WatchFilter filter, long? at, ObjectKey? after)
    {
        for (var attempt = 0; ; attempt++)
        {
            // A read that raced with more writes than the history holds is retried; the third try holds the lock.
            var exclusive = attempt >= 2;
            if (exclusive) Gate.Enter();
            try
            {
                if (TryReadSnapshot(filter, at, after, exclusive, out var snapshot)) return snapshot;
            }
            finally
            {
                if (exclusive) Gate.Exit();
            }
        }
    }

    /// <summary>The spec of <paramref name="obj"/>, or null for kinds without one.</summary>
    public object? SpecOf(KubernetesObject obj) => _spec?.Invoke(obj);

    /// <summary>The status of <paramref name="obj"/>, or null for kinds without one.</summary>
    public object? StatusOf(KubernetesObject obj) => _status?.Invoke(obj);

    /// <summary>An object of this kind whose only content is <paramref name="resourceVersion"/>, for bookmark events.</summary>
    public KubernetesObject CreateBookmark(long resourceVersion)
    {
        var empty = (KubernetesObject)Activator.CreateInstance(Kind.ClrType)!;
        return empty with { Metadata = new ObjectMeta { ResourceVersion = ResourceVersions.Format(resourceVersion) } };
    }

    private bool TryReadSnapshot(WatchFilter filter, long? at, ObjectKey? after, bool exclusive, out KindSnapshot snapshot)
    {
        snapshot = default;
        if (_order.NeedsRebuild(Count)) _order.Rebuild(_slots.Select(static pair => pair.Value));
        var epoch = _order.Epoch;
        ObjectSlot[]? candidates;
        bool allMatch;
        long start, now;
        if (!exclusive) Gate.Enter();
        try
        {
            now = _clock.Current;
            start = History.Published;
            candidates = _index.Candidates(filter, out allMatch);
        }
        finally
        {
            if (!exclusive) Gate.Exit();
        }

        var target = at ?? now;
        if (target < History.CompactedResourceVersion) throw Expired(target);

        var buffer = new EntryBuffer(candidates?.Length ?? Count + 64);
        if (candidates is not null)
        {
            foreach (var slot in candidates) buffer.Add(slot.Key, slot.Current, KeyOrder.RankOf(slot, epoch));
        }
        else
        {
            foreach (var pair in _slots) buffer.Add(pair.Key, pair.Value.Current, KeyOrder.RankOf(pair.Value, epoch));
        }

        // Any write whose new state was read above has published before this lock is acquired.
        long end;
        if (exclusive)
        {
            end = start;
        }
        else
        {
            lock (Gate) end = History.Published;
        }

        Dictionary<ObjectKey, KubernetesObject?>? states = null;
        var first = at is null ? start : History.FindFirstAfter(target, end);
        if (first is null)
        {
            buffer.Return();
            throw Expired(target);
        }
        for (var sequence = end - 1; sequence >= first; sequence--)
        {
            if (!History.TryGet(sequence, out var e))
            {
                buffer.Return();
                if (at is null) return false;
                throw Expired(target);
            }
            // Newest first, so the oldest change after the target wins: its previous state is the state at the target.
            (states ??= new())[e.Key] = e.Previous;
        }

        var entries = buffer.Entries;
        var kept = 0;
        for (var i = 0; i < buffer.Count; i++)
        {
            var entry = entries[i];
            if (states is not null && states.ContainsKey(entry.Key)) continue;
            if (after is { } afterKey && SnapshotEntry.Compare(entry.Key, afterKey) <= 0) continue;
            // Candidates of an index term that is the whole filter match unless they changed since (then they are in states).
            if (!allMatch && !filter.Matches(entry.Object)) continue;
            entries[kept++] = entry;
        }
        buffer.Truncate(kept);
        if (states is not null)
        {
            foreach (var (key, obj) in states)
            {
                if (obj is null) continue;
                if (after is { } afterKey && SnapshotEntry.Compare(key, afterKey) <= 0) continue;
                if (filter.Matches(obj)) buffer.Add(key, obj, -1);
            }
        }
        snapshot = new KindSnapshot(buffer.Entries, buffer.Count, target);
        return true;
    }

    /// <summary>A fast getter of <c>Spec</c> (argument 0) or <c>Status</c> (argument 1) of kinds with both; null for other kinds.</summary>
    private static Func<KubernetesObject, object?>? CreatePropertyAccessor(Type type, int genericArgument)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (!t.IsGenericType || t.GetGenericTypeDefinition() != typeof(KubernetesObject<,>)) continue;
            var name = genericArgument == 0 ? nameof(KubernetesObject<object, object>.Spec) : nameof(KubernetesObject<object, object>.Status);
            var getter = t.GetProperty(name)!.GetMethod!;
            var factory = typeof(KindStore).GetMethod(nameof(CreateAccessor), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(t, getter.ReturnType);
            return (Func<KubernetesObject, object?>)factory.Invoke(null, [getter])!;
        }
        return null;
    }

    private static Func<KubernetesObject, object?> CreateAccessor<TObject, TValue>(MethodInfo getter) where TObject : KubernetesObject
    {
        var typed = getter.CreateDelegate<Func<TObject, TValue>>();
        return obj => typed((TObject)obj);
    }

    private ResourceExpiredException Expired(long resourceVersion) =>
        new($"too old resource version: {resourceVersion} ({History.CompactedResourceVersion}); list {Kind.Plural} again");

    /// <summary>A growable array rented from the shared pool.</summary>
    private struct EntryBuffer(int capacity)
    {
        public SnapshotEntry[] Entries = ArrayPool<SnapshotEntry>.Shared.Rent(Math.Max(16, capacity));
        public int Count;

        public void Add(ObjectKey key, KubernetesObject obj, long rank)
        {
            if (Count == Entries.Length)
            {
                var grown = ArrayPool<SnapshotEntry>.Shared.Rent(Entries.Length * 2);
                Array.Copy(Entries, grown, Count);
                ArrayPool<SnapshotEntry>.Shared.Return(Entries, clearArray: true);
                Entries = grown;
            }
            Entries[Count++] = new SnapshotEntry(key, obj, rank);
        }

        public void Truncate(int count)
        {
            Array.Clear(Entries, count, Count - count);
            Count = count;
        }

        public readonly void Return() => ArrayPool<SnapshotEntry>.Shared.Return(Entries, clearArray: true);
    }
}

/// <summary>
/// One object of a snapshot with its key and the key's rank (see <see cref="KeyOrder"/>; -1 when unranked), ordered by
/// namespace then name (ordinal), as etcd orders keys.
/// </summary>
/// <remarks>
/// Two ranked entries compare by rank, others by key; ranks follow key order, so both give the same total order.
/// Implements <see cref="IComparable{T}"/> so that <see cref="MemoryExtensions.Sort{T}(Span{T})"/> compares inline (a
/// comparer argument would make every comparison a delegate call).
/// </remarks>
internal readonly record struct SnapshotEntry(ObjectKey Key, KubernetesObject Object, long Rank) : IComparable<SnapshotEntry>
{
    public static int Compare(ObjectKey a, ObjectKey b)
    {
        // Keys of one namespace usually share the namespace's string instance (see InMemoryObjectStore.Create).
        var c = ReferenceEquals(a.Namespace, b.Namespace) ? 0 : string.CompareOrdinal(a.Namespace, b.Namespace);
        return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
    }

    public int CompareTo(SnapshotEntry other) => (Rank | other.Rank) >= 0 ? Rank.CompareTo(other.Rank) : Compare(Key, other.Key);
}

/// <summary>
/// The result of <see cref="KindStore.ReadSnapshot"/>: <see cref="Count"/> entries in a pooled array and the version they
/// were read at.
/// </summary>
internal readonly record struct KindSnapshot(SnapshotEntry[] Entries, int Count, long ResourceVersion)
{
    /// <summary>Returns <see cref="Entries"/> to the pool; the snapshot must not be used afterwards.</summary>
    public void Return() => ArrayPool<SnapshotEntry>.Shared.Return(Entries, clearArray: true);
}
