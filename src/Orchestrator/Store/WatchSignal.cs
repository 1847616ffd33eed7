namespace Orchestrator.Store;

/// <summary>
/// One wake-up signal shared by all watchers of a kind. A watcher that has caught up takes the current <see cref="WaitAsync"/>
/// task, re-checks for work and awaits; a writer that publishes calls <see cref="Notify"/>, which costs one volatile read
/// when nobody waits and otherwise hands the wake-up of every waiter to the thread pool, so writers never run watcher code.
/// </summary>
internal sealed class WatchSignal
{
    private Waiter? _waiter;

    /// <summary>
    /// A task that completes at the next <see cref="Notify"/>. The caller must re-check its condition after taking the
    /// task and before awaiting it; state changes must be followed by a full fence before <see cref="Notify"/>.
    /// </summary>
    public Task WaitAsync()
    {
        var waiter = Volatile.Read(ref _waiter);
        if (waiter is null)
        {
            var created = new Waiter();
            waiter = Interlocked.CompareExchange(ref _waiter, created, null) ?? created;
        }
        return waiter.Task;
    }

    /// <summary>Wakes every watcher waiting now.</summary>
    public void Notify()
    {
        if (Volatile.Read(ref _waiter) is null) return;
        var waiter = Interlocked.Exchange(ref _waiter, null);
        if (waiter is not null) ThreadPool.UnsafeQueueUserWorkItem(waiter, preferLocal: false);
    }

    private sealed class Waiter() : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), IThreadPoolWorkItem
    {
        public void Execute() => TrySetResult();
    }
}
