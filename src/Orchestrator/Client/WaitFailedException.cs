namespace Orchestrator.Client;

/// <summary>
/// The object reached a state from which the awaited state cannot follow: a Job failed, a Deployment exceeded its
/// progress deadline, the object was deleted. Thrown at once, without waiting for the timeout.
/// </summary>
public class WaitFailedException : WaitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">The kind of the awaited object.</param>
    /// <param name="namespace">Its namespace; empty for cluster-scoped kinds.</param>
    /// <param name="name">Its name.</param>
    /// <param name="goal">What was awaited, for example <c>to complete</c>.</param>
    /// <param name="reason">Why it cannot happen any more, in one line.</param>
    /// <param name="diagnostics">The description of the object's state.</param>
    public WaitFailedException(string kind, string @namespace, string name, string goal, string reason, string diagnostics)
        : base(kind, @namespace, name,
            WaitTimeoutException.Compose($"{kind} {WaitTimeoutException.Display(@namespace, name)} will not {goal}: {reason}", diagnostics), diagnostics)
    {
        Reason = reason;
    }

    /// <summary>Why the awaited state cannot be reached, in one line.</summary>
    public string Reason { get; }
}
