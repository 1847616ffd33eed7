namespace CronBatch;

/// <summary>
/// A clock that runs <see cref="Factor"/> times faster than the wall clock, for every component of the orchestrator at
/// once (they all take their time from the registered <see cref="TimeProvider"/>): a cron schedule of one run a minute
/// plays out in seconds. Timers and delays are shortened by the same factor.
/// </summary>
public sealed class AcceleratedTimeProvider : TimeProvider
{
    private readonly DateTimeOffset _start;
    private readonly long _startTimestamp;

    public AcceleratedTimeProvider(double factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        Factor = factor;
        _start = System.GetUtcNow();
        _startTimestamp = System.GetTimestamp();
    }

    /// <summary>How many simulated seconds pass per real second.</summary>
    public double Factor { get; }

    public override DateTimeOffset GetUtcNow() => _start + System.GetElapsedTime(_startTimestamp) * Factor;

    public override long GetTimestamp() => _startTimestamp + (long)((System.GetTimestamp() - _startTimestamp) * Factor);

    public override long TimestampFrequency => System.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new Timer(System.CreateTimer(callback, state, Scale(dueTime), Scale(period)), this);

    private TimeSpan Scale(TimeSpan span) =>
        span == Timeout.InfiniteTimeSpan || span <= TimeSpan.Zero ? span : TimeSpan.FromTicks(Math.Max(1, (long)(span.Ticks / Factor)));

    private sealed class Timer(ITimer inner, AcceleratedTimeProvider clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.Scale(dueTime), clock.Scale(period));

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
