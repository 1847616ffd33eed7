namespace WorkerPool;

/// <summary>The application's own queue of work items: here just a counter, filled by bursts and drained by the workers.</summary>
public sealed class WorkQueue
{
    private long _length;

    /// <summary>Items waiting.</summary>
    public long Length => Interlocked.Read(ref _length);

    /// <summary>Adds <paramref name="count"/> items.</summary>
    public void Enqueue(int count) => Interlocked.Add(ref _length, count);

    /// <summary>Takes up to <paramref name="count"/> items; returns how many were taken.</summary>
    public int Dequeue(int count)
    {
        while (true)
        {
            var current = Interlocked.Read(ref _length);
            var taken = (int)Math.Min(current, count);
            if (Interlocked.CompareExchange(ref _length, current - taken, current) == current) return taken;
        }
    }
}
