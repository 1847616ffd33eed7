namespace Orchestrator.Client;

/// <summary>Where an awaited object stands: there, not yet (and why), or never (and why).</summary>
internal readonly record struct WaitState(WaitOutcome Outcome, string Reason)
{
    public static WaitState Satisfied { get; } = new(WaitOutcome.Satisfied, "");

    public static WaitState Pending(string reason) => new(WaitOutcome.Pending, reason);

    public static WaitState Failed(string reason) => new(WaitOutcome.Failed, reason);
}

/// <summary>The outcome of evaluating an awaited object.</summary>
internal enum WaitOutcome
{
    /// <summary>The object is in the awaited state.</summary>
    Satisfied,

    /// <summary>Not yet; it may still get there.</summary>
    Pending,

    /// <summary>It cannot get there any more: fail the wait at once.</summary>
    Failed,
}
