namespace Orchestrator.Controllers;

/// <summary>
/// What the controller engine does with a key after <see cref="IReconciler.ReconcileAsync"/> returned:
/// <see cref="Done"/>, <see cref="Requeue"/> or <see cref="After"/>. There is no result when the call throws.
/// </summary>
public readonly record struct ReconcileResult
{
    /// <summary>The object is reconciled; look at it again only when it or a dependent changes. The default value.</summary>
    public static ReconcileResult Done => default;

    /// <summary>
    /// Reconcile again soon, rate-limited like a failure (per-key exponential back-off and the overall bucket), without
    /// logging an error. Use it when progress depends on something not watched, e.g. polling an external system.
    /// </summary>
    public static ReconcileResult Requeue => new() { IsRequeue = true };

    /// <summary>
    /// Reconcile again after <paramref name="delay"/> (or earlier if the object changes), with the back-off reset; for
    /// time-driven work such as a deadline or a periodic check. A zero or negative delay (a deadline already passed)
    /// re-adds the key at once, without rate limit.
    /// </summary>
    public static ReconcileResult After(TimeSpan delay) =>
        new() { RequeueAfter = delay < TimeSpan.Zero ? TimeSpan.Zero : delay };

    /// <summary>True for <see cref="Requeue"/>: the key is re-added through the rate limiter.</summary>
    public bool IsRequeue { get; private init; }

    /// <summary>For <see cref="After"/>, the delay (never negative) before the key is reconciled again; otherwise null.</summary>
    public TimeSpan? RequeueAfter { get; private init; }

    /// <summary>True for <see cref="Done"/>: nothing is scheduled for the key.</summary>
    public bool IsDone => !IsRequeue && RequeueAfter is null;

    /// <inheritdoc/>
    public override string ToString() =>
        IsRequeue ? "Requeue" : RequeueAfter is { } delay ? $"After({delay})" : "Done";
}
