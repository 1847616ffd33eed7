namespace Orchestrator.Store;

/// <summary>
/// Ranks of a kind's keys in list order (namespace, then name), so that sorting a list compares two numbers held in
/// the entries instead of two pairs of strings scattered over the heap (about ten times faster for large lists).
/// </summary>
/// <remarks>
/// A rebuild sorts every key once and stamps each slot with its position and the rebuild's epoch, packed in one
/// 64-bit value. Keys never change and a rank only has to order the keys that existed at its rebuild, so ranks stay
/// valid as objects come and go; objects created later have none and are compared by key. The ranks are rebuilt when
/// many objects lack one. A reader uses ranks of a single epoch only, read once per list.
/// </remarks>
internal sealed class KeyOrder
{
    private const int MinUnrankedForRebuild = 4096;

    private int _epoch;
    private int _unranked;
    private int _rebuilding;

    /// <summary>The epoch whose ranks are valid; 0 while none were built.</summary>
    public int Epoch => Volatile.Read(ref _epoch);

    /// <summary>Notes that an object without a rank was stored. Called under the kind's lock.</summary>
    public void Inserted() => Volatile.Write(ref _unranked, _unranked + 1);

    /// <summary>True when enough of <paramref name="count"/> objects lack a rank that a rebuild pays off.</summary>
    public bool NeedsRebuild(int count)
    {
        var unranked = Volatile.Read(ref _unranked);
        return unranked >= MinUnrankedForRebuild && unranked >= count / 8;
    }

    /// <summary>The rank of <paramref name="slot"/> in <paramref name="epoch"/>, or -1 when it has none in that epoch.</summary>
    public static long RankOf(ObjectSlot slot, int epoch)
    {
        var stamp = slot.RankStamp;
        return epoch != 0 && (int)(stamp >> 32) == epoch ? stamp & 0xFFFF_FFFF : -1;
    }

    /// <summary>Ranks <paramref name="slots"/> (every slot of the kind) in a new epoch. Only one rebuild runs at a time.</summary>
    public void Rebuild(IEnumerable<ObjectSlot> slots)
    {
        if (Interlocked.Exchange(ref _rebuilding, 1) != 0) return;
        try
        {
            Volatile.Write(ref _unranked, 0);
            var keyed = new List<RankEntry>();
            foreach (var slot in slots) keyed.Add(new RankEntry(slot));
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(keyed);
            span.Sort();
            var epoch = _epoch == int.MaxValue ? 1 : _epoch + 1;
            for (var i = 0; i < span.Length; i++) span[i].Slot.RankStamp = ((long)epoch << 32) | (uint)i;
            Volatile.Write(ref _epoch, epoch);
        }
        finally
        {
            Volatile.Write(ref _rebuilding, 0);
        }
    }

    private readonly record struct RankEntry(ObjectSlot Slot) : IComparable<RankEntry>
    {
        public int CompareTo(RankEntry other) => SnapshotEntry.Compare(Slot.Key, other.Slot.Key);
    }
}
