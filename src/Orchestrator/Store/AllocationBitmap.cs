namespace Orchestrator.Store;

/// <summary>
/// Which of <see cref="Size"/> numbered items (service IPs, node ports) are allocated. Not thread-safe: the owner
/// serializes access.
/// </summary>
/// <remarks>
/// Picks free items the way Kubernetes' allocators do since service IP and node port static sub-ranges
/// (KEP-3070, KEP-3668): a random free item of the upper, "dynamic" band first, and of the lower band (kept for
/// addresses and ports users choose themselves) only when the upper one is full. The scan starts at a random item and
/// moves forward, skipping full 64-item words, so a nearly full bitmap still answers quickly.
/// </remarks>
internal sealed class AllocationBitmap
{
    private readonly ulong[] _words;

    /// <summary>Creates an empty bitmap of <paramref name="size"/> items whose first <paramref name="staticBand"/> are picked last.</summary>
    public AllocationBitmap(int size, int staticBand)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(staticBand);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(staticBand, size);
        Size = size;
        StaticBand = staticBand;
        _words = new ulong[(size + 63) / 64];
    }

    /// <summary>How many items there are.</summary>
    public int Size { get; }

    /// <summary>How many of the lowest items are handed out only when every other one is taken.</summary>
    public int StaticBand { get; }

    /// <summary>How many items are allocated.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Kubernetes' size of the static band: <c>min(max(lower, size / step), upper)</c>, or 0 when the whole range
    /// has at most <paramref name="lower"/> items (IPs: 16, 256, 16 over the CIDR size; ports: 16, 128, 32).
    /// </summary>
    public static int StaticBandFor(int rangeSize, int lower, int upper, int step) =>
        rangeSize <= lower ? 0 : Math.Clamp(rangeSize / step, lower, upper);

    /// <summary>True when item <paramref name="index"/> is allocated.</summary>
    public bool IsAllocated(int index) => (_words[index >> 6] & (1UL << index)) != 0;

    /// <summary>Allocates item <paramref name="index"/>; false when it already is.</summary>
    public bool TryAllocate(int index)
    {
        ref var word = ref _words[index >> 6];
        var bit = 1UL << index;
        if ((word & bit) != 0) return false;
        word |= bit;
        Count++;
        return true;
    }

    /// <summary>Frees item <paramref name="index"/>; freeing a free item does nothing.</summary>
    public void Release(int index)
    {
        ref var word = ref _words[index >> 6];
        var bit = 1UL << index;
        if ((word & bit) == 0) return;
        word &= ~bit;
        Count--;
    }

    /// <summary>Allocates a free item chosen as the type describes; -1 when every item is allocated.</summary>
    /// <param name="random">Returns a number from 0 to its argument (exclusive).</param>
    public int AllocateNext(Func<int, int> random)
    {
        if (Count >= Size) return -1;
        var index = FindFree(StaticBand, Size, random);
        if (index < 0) index = FindFree(0, StaticBand, random);
        if (index >= 0) TryAllocate(index);
        return index;
    }

    /// <summary>A free item in [<paramref name="from"/>, <paramref name="to"/>), scanning forward from a random one; -1 when none.</summary>
    private int FindFree(int from, int to, Func<int, int> random)
    {
        var length = to - from;
        if (length <= 0) return -1;
        var start = from + random(length);
        return FindFreeBetween(start, to) is var found and >= 0 ? found : FindFreeBetween(from, start);
    }

    private int FindFreeBetween(int from, int to)
    {
        var i = from;
        while (i < to)
        {
            var word = _words[i >> 6];
            if (word == ulong.MaxValue)
            {
                i = (i | 63) + 1;
                continue;
            }
            // The lowest free bit at or above i within this word.
            var free = ~word & (ulong.MaxValue << (i & 63));
            if (free == 0)
            {
                i = (i | 63) + 1;
                continue;
            }
            var index = (i & ~63) + System.Numerics.BitOperations.TrailingZeroCount(free);
            return index < to ? index : -1;
        }
        return -1;
    }
}
