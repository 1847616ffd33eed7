namespace Orchestrator.Controllers;

/// <summary>An overall token bucket with reservations; see <see cref="RateLimiters.TokenBucket{TKey}"/>.</summary>
internal sealed class TokenBucketRateLimiter<TKey>(double perSecond, int burst, TimeProvider time) : IRateLimiter<TKey>
{
    private readonly Lock _gate = new();
    private double _tokens = burst;
    private long _last = time.GetTimestamp();

    public TimeSpan When(TKey key)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(burst, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * perSecond);
            _last = now;
            _tokens -= 1;
            // A negative balance is a reservation: wait until the bucket has refilled to zero.
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / perSecond);
        }
    }

    public void Forget(TKey key)
    {
    }

    public int NumRequeues(TKey key) => 0;
}
