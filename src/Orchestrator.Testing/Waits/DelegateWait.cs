namespace Orchestrator.Testing;

/// <summary>A wait that calls one client wait helper.</summary>
internal sealed class DelegateWait(Func<PodGroup, TimeSpan, CancellationToken, Task> wait) : IWaitStrategy
{
    public Task WaitAsync(PodGroup group, TimeSpan timeout, CancellationToken cancellationToken) => wait(group, timeout, cancellationToken);
}
