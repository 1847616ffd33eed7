namespace Orchestrator.Testing;

/// <summary>
/// Decides when a started <see cref="PodGroup"/> is usable, as Testcontainers' wait strategies do. Create them with
/// <see cref="Wait"/>; a strategy is stateless and may be shared.
/// </summary>
public interface IWaitStrategy
{
    /// <summary>
    /// Completes when the group is in the awaited state; throws a <see cref="Client.WaitException"/> (whose message explains
    /// what was not ready and why) when <paramref name="timeout"/> passes or the state can no longer be reached.
    /// </summary>
    Task WaitAsync(PodGroup group, TimeSpan timeout, CancellationToken cancellationToken);
}
