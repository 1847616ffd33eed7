namespace Orchestrator.NodeAgent;

/// <summary>
/// Kubelet's restart back-off (client-go <c>flowcontrol.Backoff</c>) for one container or image: the first failure is
/// retried at once, later ones wait <c>base</c>, <c>2·base</c>, … up to <c>max</c>; an entry untouched for longer than
/// the reset period starts over. Not thread-safe: owned by one pod's state, which is synchronised one sync at a time.
/// </summary>
internal sealed class BackOff
{
    private TimeSpan _delay;
    private DateTimeOffset _lastUpdate;

    /// <summary>The current delay; zero before the first <see cref="Next"/>.</summary>
    public TimeSpan Delay => _delay;

    /// <summary>When the delay was last raised.</summary>
    public DateTimeOffset LastUpdate => _lastUpdate;

    /// <summary>
    /// True while the last failure (at <paramref name="eventTime"/>) is less than <see cref="Delay"/> ago
    /// (<c>IsInBackOffSince</c>); <paramref name="retryAt"/> is when it ends. A failure more than the reset period after
    /// the last retry is not backed off: the container had been running stably.
    /// </summary>
    public bool IsInBackOffSince(DateTimeOffset eventTime, DateTimeOffset now, NodeAgentOptions options, out DateTimeOffset retryAt)
    {
        retryAt = eventTime + _delay;
        if (_delay == TimeSpan.Zero || eventTime - _lastUpdate > options.BackOffReset) return false;
        return now - eventTime < _delay;
    }

    /// <summary>Records a retry at <paramref name="now"/>: the delay becomes base (first time or after a reset) or doubles.</summary>
    public void Next(DateTimeOffset now, NodeAgentOptions options)
    {
        if (_delay == TimeSpan.Zero || now - _lastUpdate > options.BackOffReset) _delay = options.BackOffBase;
        else _delay = TimeSpan.FromTicks(Math.Min(options.BackOffMax.Ticks, _delay.Ticks * 2));
        _lastUpdate = now;
    }

    /// <summary>Clears the back-off.</summary>
    public void Reset()
    {
        _delay = TimeSpan.Zero;
        _lastUpdate = default;
    }
}
