namespace Orchestrator.Store;

/// <summary>Selection helpers for paged lists.</summary>
internal static class Sorting
{
    /// <summary>
    /// Moves the <paramref name="count"/> smallest elements of <paramref name="span"/> to its start, sorted; the rest is
    /// left in no particular order. O(n) selection (quickselect) plus O(count log count), instead of sorting everything
    /// for every page of a large list. Elements must be distinct.
    /// </summary>
    public static void SmallestSorted<T>(Span<T> span, int count) where T : IComparable<T>
    {
        if (count <= 0) return;
        if (count * 4 >= span.Length)
        {
            span.Sort();
            return;
        }
        var target = count - 1;
        int lo = 0, hi = span.Length - 1;
        while (lo < hi)
        {
            var pivot = MedianOfThree(span[lo], span[lo + ((hi - lo) >> 1)], span[hi]);
            int i = lo, j = hi;
            while (i <= j)
            {
                while (span[i].CompareTo(pivot) < 0) i++;
                while (span[j].CompareTo(pivot) > 0) j--;
                if (i <= j)
                {
                    (span[i], span[j]) = (span[j], span[i]);
                    i++;
                    j--;
                }
            }
            // Now span[lo..j] <= pivot <= span[i..hi]; continue in the part holding the target index.
            if (target <= j) hi = j;
            else if (target >= i) lo = i;
            else break;
        }
        span[..count].Sort();
    }

    private static T MedianOfThree<T>(T x, T y, T z) where T : IComparable<T>
    {
        if (x.CompareTo(y) > 0) (x, y) = (y, x);
        if (y.CompareTo(z) > 0) y = z;
        return x.CompareTo(y) > 0 ? x : y;
    }
}
