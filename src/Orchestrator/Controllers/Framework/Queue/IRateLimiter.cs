namespace Orchestrator.Controllers;

/// <summary>
/// Decides how long a key waits before it is retried (client-go <c>workqueue.TypedRateLimiter</c>). Create instances
/// with <see cref="RateLimiters"/>; they compose with <see cref="RateLimiters.MaxOf{TKey}"/>. Implementations are thread-safe.
/// </summary>
/// <typeparam name="TKey">The work item type.</typeparam>
public interface IRateLimiter<in TKey>
{
    /// <summary>Records one more retry of <paramref name="key"/> and returns how long it must wait (zero for at once).</summary>
    TimeSpan When(TKey key);

    /// <summary>Stops tracking <paramref name="key"/>: its next <see cref="When"/> starts from the initial delay again.</summary>
    void Forget(TKey key);

    /// <summary>How many times <see cref="When"/> was called for <paramref name="key"/> since it was last forgotten.</summary>
    int NumRequeues(TKey key);
}
