using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// Drives the actual state of one object towards its desired state. The controller engine calls it with the key of an
/// object whose own state, or whose dependents' state, may have changed.
/// </summary>
/// <remarks>
/// <para>Reconciliation is level-based: the key says <em>which</em> object to look at, never <em>what</em> happened.
/// Read the current object and its dependents from listers (<see cref="ILister{T}"/>), compare with the desired state, and
/// write the difference through the store. An object missing from the lister has been deleted; clean up and return
/// <see cref="ReconcileResult.Done"/>. Many changes may be folded into one call, and a call may find nothing to do.</para>
/// <para>The outcome of a call decides what happens to the key next:</para>
/// <list type="bullet">
/// <item><see cref="ReconcileResult.Done"/>: the key is forgotten (its back-off is reset) until the next change.</item>
/// <item><see cref="ReconcileResult.After"/>: the back-off is reset and the key is reconciled again after the delay
/// (earlier if it changes meanwhile).</item>
/// <item><see cref="ReconcileResult.Requeue"/>: the key is reconciled again soon, with the same rate limit as a failure
/// (per-key exponential back-off and an overall token bucket), but nothing is logged as an error.</item>
/// <item>Any exception except <see cref="TerminalException"/>: the returned result is irrelevant, the failure is logged once
/// by the engine and the key is reconciled again with per-key exponential back-off (5 ms doubling to 1000 s by default).
/// Do not log and swallow; throw.</item>
/// <item><see cref="TerminalException"/>: the error is logged once and the key is not retried until the object changes
/// again; use it for errors no retry can fix, such as an invalid spec.</item>
/// <item><see cref="OperationCanceledException"/> after the cancellation token was cancelled: the controller
/// is stopping; nothing is logged and the key is not retried.</item>
/// </list>
/// <para>The engine never runs two calls for the same key at once, but does run calls for different keys concurrently
/// (up to <see cref="ControllerBuilder.WithWorkers"/>), so an implementation must be thread-safe across keys. Calls must be
/// idempotent: the same key may be reconciled again with no change in between.</para>
/// </remarks>
public interface IReconciler
{
    /// <summary>Reconciles the object identified by <paramref name="key"/>.</summary>
    /// <param name="key">The namespace (empty for cluster-scoped kinds) and name of the object to reconcile.</param>
    /// <param name="cancellationToken">Cancelled when the controller stops; pass it to every awaited call.</param>
    /// <returns>Whether and when to reconcile the key again; see the type's remarks for every outcome.</returns>
    Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken);
}
