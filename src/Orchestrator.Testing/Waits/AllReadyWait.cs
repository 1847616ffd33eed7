namespace Orchestrator.Testing;

/// <summary>Every object of the group is ready, concurrently within one timeout; the first failure ends the wait.</summary>
internal sealed class AllReadyWait : IWaitStrategy
{
    public Task WaitAsync(PodGroup group, TimeSpan timeout, CancellationToken cancellationToken) =>
        group.Client.WaitForReadyAsync(group.Objects, timeout, cancellationToken);
}
