namespace Orchestrator.Controllers;

/// <summary>Per-key exponential back-off; see <see cref="RateLimiters.ItemExponential{TKey}"/>.</summary>
internal sealed class ItemExponentialRateLimiter<TKey>(TimeSpan baseDelay, TimeSpan maxDelay) : IRateLimiter<TKey>
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, int> _failures = [];

    public TimeSpan When(TKey key)
    {
        int exponent;
        lock (_gate)
        {
            exponent = _failures.GetValueOrDefault(key);
            _failures[key] = exponent + 1;
        }
        var ticks = baseDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    public void Forget(TKey key)
    {
        lock (_gate) _failures.Remove(key);
    }

    public int NumRequeues(TKey key)
    {
        lock (_gate) return _failures.GetValueOrDefault(key);
    }
}
