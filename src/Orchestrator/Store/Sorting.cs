namespace Orchestrator.Store;

/// <summary>Selection helpers for paged lists.</summary>
internal static class Sorting
{
    /// <summary>
    /// Moves the <paramref name="count"/> smallest elements of <paramref name="span"/> to its start, sorted; the rest is
    /// left in no particular order. O(n) selection (quickselect) plus O(count log count), instead of sorting everything
    /// for every page of a large list. Elements must be distinct under <paramref name="comparer"/>.
    /// </summary>
    public static void SmallestSorted<T, TComparer>(Span<T> span, int count, TComparer comparer) where TComparer : IComparer<T>
    {
        if (count <= 0) return;
        if (count * 4 >= span.Length)
        {
            span.Sort(comparer);
            return;
        }
        var target = count - 1;
        int lo = 0, hi = span.Length - 1;
        while (lo < hi)
        {
            var pivot = MedianOfThree(span, lo, lo + ((hi - lo) >> 1), hi, comparer);
            int i = lo, j = hi;
            while (i <= j)
            {
                while (comparer.Compare(span[i], pivot) < 0) i++;
                while (comparer.Compare(span[j], pivot) > 0) j--;
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
        span[..count].Sort(comparer);
    }

    private static T MedianOfThree<T, TComparer>(Span<T> span, int a, int b, int c, TComparer comparer) where TComparer : IComparer<T>
    {
        T x = span[a], y = span[b], z = span[c];
        if (comparer.Compare(x, y) > 0) (x, y) = (y, x);
        if (comparer.Compare(y, z) > 0) y = z;
        return comparer.Compare(x, y) > 0 ? x : y;
    }
}
