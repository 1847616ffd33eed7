namespace Orchestrator.Testing;

/// <summary>Two waits one after the other; the second gets what remains of the timeout.</summary>
internal sealed class SequenceWait(IWaitStrategy first, IWaitStrategy then) : IWaitStrategy
{
    public async Task WaitAsync(PodGroup group, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = group.Time.GetTimestamp();
        await first.WaitAsync(group, timeout, cancellationToken).ConfigureAwait(false);
        var remaining = timeout - group.Time.GetElapsedTime(started);
        await then.WaitAsync(group, remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
    }
}
