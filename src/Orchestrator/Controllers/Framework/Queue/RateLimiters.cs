namespace Orchestrator.Controllers;

/// <summary>The rate limiters of client-go's work queue, to pass to <see cref="WorkQueue{TKey}"/>.</summary>
public static class RateLimiters
{
    /// <summary>The per-key base delay of <see cref="Default{TKey}"/>: 5 ms.</summary>
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(5);

    /// <summary>The per-key maximum delay of <see cref="Default{TKey}"/>: 1000 s.</summary>
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(1000);

    /// <summary>
    /// client-go's default controller rate limiter: the larger of a per-key exponential back-off (5 ms doubling up to
    /// 1000 s) and an overall token bucket of 10 retries per second with a burst of 100.
    /// </summary>
    public static IRateLimiter<TKey> Default<TKey>(TimeProvider? timeProvider = null) where TKey : notnull =>
        MaxOf(ItemExponential<TKey>(DefaultBaseDelay, DefaultMaxDelay), TokenBucket<TKey>(10, 100, timeProvider));

    /// <summary>
    /// Per-key exponential back-off: the n-th retry of a key since it was forgotten waits
    /// <c>baseDelay * 2^(n-1)</c>, capped at <paramref name="maxDelay"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A delay is negative, or the maximum is below the base.</exception>
    public static IRateLimiter<TKey> ItemExponential<TKey>(TimeSpan baseDelay, TimeSpan maxDelay) where TKey : notnull
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, baseDelay);
        return new ItemExponentialRateLimiter<TKey>(baseDelay, maxDelay);
    }

    /// <summary>
    /// An overall token bucket shared by every key: up to <paramref name="burst"/> retries pass at once, then retries are
    /// spaced to <paramref name="perSecond"/> per second. Each call reserves a token, so delays grow with the backlog.
    /// It does not count per-key requeues (<see cref="IRateLimiter{TKey}.NumRequeues"/> is 0).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not positive or the burst is below 1.</exception>
    public static IRateLimiter<TKey> TokenBucket<TKey>(double perSecond, int burst, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        return new TokenBucketRateLimiter<TKey>(perSecond, burst, timeProvider ?? TimeProvider.System);
    }

    /// <summary>
    /// Combines limiters: the delay is the largest of theirs, <see cref="IRateLimiter{TKey}.NumRequeues"/> the largest
    /// count, and <see cref="IRateLimiter{TKey}.Forget"/> forgets in each.
    /// </summary>
    /// <exception cref="ArgumentException">No limiter is given.</exception>
    public static IRateLimiter<TKey> MaxOf<TKey>(params IRateLimiter<TKey>[] limiters)
    {
        if (limiters.Length == 0) throw new ArgumentException("At least one rate limiter is required.", nameof(limiters));
        return new MaxOfRateLimiter<TKey>([.. limiters]);
    }
}
