using Orchestrator.Tests.Testing;

namespace Orchestrator.Tests.NodeAgent;

/// <summary>
/// Wraps a <see cref="FakeTimeProvider"/> and remembers when each live timer is due, so that a test can wait until the
/// code under test is actually waiting on the clock (a start delay, a grace period, a hook) before it advances.
/// </summary>
internal sealed class TrackingTimeProvider(FakeTimeProvider inner) : TimeProvider
{
    private readonly object _gate = new();
    private readonly HashSet<TrackedTimer> _timers = [];

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    /// <summary>True when a timer is due exactly at <paramref name="dueAt"/>.</summary>
    public bool HasTimerDueAt(DateTimeOffset dueAt)
    {
        lock (_gate) return _timers.Any(t => t.DueAt == dueAt);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this);
        // Record the due time before the inner timer exists: a timer due now may fire inside CreateTimer.
        tracked.Track(dueTime);
        tracked.Inner = inner.CreateTimer(s =>
        {
            tracked.Fired();
            callback(s);
        }, state, dueTime, period);
        return tracked;
    }

    private sealed class TrackedTimer(TrackingTimeProvider owner) : ITimer
    {
        public ITimer? Inner { get; set; }

        public DateTimeOffset? DueAt { get; private set; }

        public void Track(TimeSpan dueTime)
        {
            lock (owner._gate)
            {
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner.GetUtcNow() + dueTime;
                if (DueAt is null) owner._timers.Remove(this);
                else owner._timers.Add(this);
            }
        }

        public void Fired()
        {
            lock (owner._gate)
            {
                DueAt = null;
                owner._timers.Remove(this);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Track(dueTime);
            return Inner!.Change(dueTime, period);
        }

        public void Dispose()
        {
            Fired();
            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
