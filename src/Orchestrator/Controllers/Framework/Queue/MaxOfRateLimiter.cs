namespace Orchestrator.Controllers;

/// <summary>The largest delay of several limiters; see <see cref="RateLimiters.MaxOf{TKey}"/>.</summary>
internal sealed class MaxOfRateLimiter<TKey>(IRateLimiter<TKey>[] limiters) : IRateLimiter<TKey>
{
    public TimeSpan When(TKey key)
    {
        var max = TimeSpan.Zero;
        foreach (var limiter in limiters)
        {
            var delay = limiter.When(key);
            if (delay > max) max = delay;
        }
        return max;
    }

    public void Forget(TKey key)
    {
        foreach (var limiter in limiters) limiter.Forget(key);
    }

    public int NumRequeues(TKey key) => limiters.Max(l => l.NumRequeues(key));
}
