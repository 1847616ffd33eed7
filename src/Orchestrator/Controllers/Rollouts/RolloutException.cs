namespace Orchestrator.Controllers;

/// <summary>
/// A rollout operation that cannot be carried out as asked (the errors <c>kubectl rollout</c> reports): an unknown
/// revision, no history to roll back to, a paused Deployment, or a rollout that exceeded its progress deadline.
/// </summary>
public sealed class RolloutException : Exception
{
    /// <summary>Creates the exception with a message saying what is wrong.</summary>
    public RolloutException(string message) : base(message)
    {
    }
}
