using Orchestrator.Api;

namespace Orchestrator.Store;

/// <summary>One committed change of one kind, as read from the <see cref="HistoryRing"/>.</summary>
/// <param name="Sequence">Position in the kind's history: 0, 1, 2, ... without gaps.</param>
/// <param name="ResourceVersion">The cluster-wide version of the change; increases with <paramref name="Sequence"/>.</param>
/// <param name="Type">Added, Modified or Deleted.</param>
/// <param name="Object">The state after the change; for Deleted the final state.</param>
/// <param name="Previous">The state before the change; null for Added. Used for selector transitions and to read lists at older versions.</param>
internal readonly record struct HistoryEvent(long Sequence, long ResourceVersion, WatchEventType Type, KubernetesObject Object, KubernetesObject? Previous)
{
    /// <summary>The key of the changed object.</summary>
    public ObjectKey Key => ObjectKey.Of(Object);
}

/// <summary>
/// The bounded, append-only history of one kind: a power-of-two ring of entries indexed by sequence, shared by every
/// watcher of the kind and by list snapshots. One writer at a time (the kind's lock) appends; any number of readers read
/// without locks. Entries are structs written in place (no allocation per change); a reader validates its copy with the
/// entry's sequence number before and after reading (a seqlock), so an entry overwritten meanwhile is detected, never
/// misread. The ring starts small and doubles up to its capacity.
/// </summary>
internal sealed class HistoryRing
{
    private const int InitialSize = 1024;

    private readonly int _capacity;
    private Entry[] _buffer;
    private long _published;
    private long _compactedResourceVersion;

    /// <summary>Creates a ring that keeps at least <paramref name="capacity"/> events (rounded up to a power of two).</summary>
    public HistoryRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = (int)Math.Min(1 << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity));
        _buffer = NewBuffer(Math.Min(_capacity, InitialSize));
    }

    /// <summary>The number of events the ring keeps once full.</summary>
    public int Capacity => _capacity;

    /// <summary>The sequence of the next event; every event below it is readable (until overwritten).</summary>
    public long Published => Volatile.Read(ref _published);

    /// <summary>
    /// The resourceVersion of the newest event that was overwritten (0 while none was): the history is complete for
    /// every version at or after it.
    /// </summary>
    public long CompactedResourceVersion => Volatile.Read(ref _compactedResourceVersion);

    /// <summary>The sequence of the oldest event still held, given the current <paramref name="published"/> sequence.</summary>
    public long OldestRetained(long published) => Math.Max(0, published - Volatile.Read(ref _buffer).Length);

    /// <summary>Appends a change as the event at sequence <see cref="Published"/>. Caller holds the kind's lock.</summary>
    public void Append(long resourceVersion, WatchEventType type, KubernetesObject obj, KubernetesObject? previous)
    {
        var sequence = _published;
        var buffer = _buffer;
        if (sequence >= buffer.Length)
        {
            if (buffer.Length < _capacity)
            {
                // Not yet wrapped: the buffer holds sequences 0..Length-1 at their own index, so a plain copy keeps positions.
                var grown = NewBuffer(buffer.Length * 2);
                Array.Copy(buffer, grown, buffer.Length);
                buffer = grown;
                Volatile.Write(ref _buffer, grown);
            }
            else
            {
                Volatile.Write(ref _compactedResourceVersion, buffer[sequence & (buffer.Length - 1)].ResourceVersion);
            }
        }
        ref var entry = ref buffer[sequence & (buffer.Length - 1)];
        // Invalidate first, then fill, then stamp: a reader that saw any new field sees a changed sequence afterwards.
        Volatile.Write(ref entry.Sequence, -1);
        Volatile.WriteBarrier();
        entry.ResourceVersion = resourceVersion;
        entry.Type = type;
        entry.Object = obj;
        entry.Previous = previous;
        Volatile.Write(ref entry.Sequence, sequence);
        // A full fence: watchers read the wake-up signal after this (store-load ordering with WatchSignal).
        Interlocked.Exchange(ref _published, sequence + 1);
    }

    /// <summary>
    /// Reads the event at <paramref name="sequence"/> (which must be below <see cref="Published"/>); false when it was overwritten.
    /// </summary>
    public bool TryGet(long sequence, out HistoryEvent e)
    {
        var buffer = Volatile.Read(ref _buffer);
        ref var entry = ref buffer[sequence & (buffer.Length - 1)];
        if (Volatile.Read(ref entry.Sequence) == sequence)
        {
            var rv = entry.ResourceVersion;
            var type = entry.Type;
            var obj = entry.Object;
            var previous = entry.Previous;
            Volatile.ReadBarrier();
            if (Volatile.Read(ref entry.Sequence) == sequence)
            {
                e = new HistoryEvent(sequence, rv, type, obj!, previous);
                return true;
            }
        }
        e = default;
        return false;
    }

    /// <summary>
    /// The sequence of the first event newer than <paramref name="resourceVersion"/>, searching the retained events below
    /// <paramref name="published"/>; null when events newer than it may already be overwritten (the version is too old).
    /// </summary>
    public long? FindFirstAfter(long resourceVersion, long published)
    {
        if (resourceVersion < CompactedResourceVersion) return null;
        long lo = OldestRetained(published), hi = published;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (!TryGet(mid, out var e)) return null;
            if (e.ResourceVersion > resourceVersion) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    private static Entry[] NewBuffer(int length)
    {
        var buffer = new Entry[length];
        for (var i = 0; i < buffer.Length; i++) buffer[i].Sequence = -1;
        return buffer;
    }

    private struct Entry
    {
        public long Sequence;
        public long ResourceVersion;
        public KubernetesObject? Object;
        public KubernetesObject? Previous;
        public WatchEventType Type;
    }
}
