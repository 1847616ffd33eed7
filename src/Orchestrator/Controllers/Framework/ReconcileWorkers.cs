using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// The worker loop of a controller (controller-runtime's <c>processNextWorkItem</c> and <c>reconcileHandler</c>), shared by
/// the per-kind <see cref="Controller"/> and the <see cref="GarbageCollector"/>: workers take items from the queue, one
/// item is never processed by two workers at once, and each outcome is applied to the queue, logged once, traced and
/// measured.
/// </summary>
/// <remarks>
/// Outcomes: <see cref="ReconcileResult.After"/> forgets the item's failures and queues it again after the delay;
/// <see cref="ReconcileResult.Requeue"/> queues it again with back-off; done forgets its failures; a
/// <see cref="TerminalException"/> is logged and not retried; any other exception is logged and retried with back-off;
/// a cancellation on shutdown is not an error. A failure of the loop itself (never a reconcile error) stops the other
/// workers and is rethrown, so that it reaches the host.
/// </remarks>
/// <typeparam name="TKey">The queue item.</typeparam>
internal sealed class ReconcileWorkers<TKey>(
    string name, WorkQueue<TKey> queue, ControllerMetrics metrics, TimeProvider time, ILogger logger,
    Func<TKey, (string Kind, ObjectKey Key)> describe, Func<TKey, CancellationToken, Task<ReconcileResult>> reconcile)
    where TKey : notnull
{
    /// <summary>Runs <paramref name="workers"/> workers until <paramref name="stoppingToken"/> is cancelled or the queue shuts down.</summary>
    public async Task RunAsync(int workers, CancellationToken stoppingToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var tasks = Enumerable.Range(0, workers)
            .Select(_ => Task.Run(() => RunWorkerAsync(stopping), CancellationToken.None))
            .ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private async Task RunWorkerAsync(CancellationTokenSource stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                TKey item;
                try
                {
                    (item, var shutDown) = await queue.GetAsync(stopping.Token).ConfigureAwait(false);
                    if (shutDown) return;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                try
                {
                    await ReconcileAsync(item, stopping.Token).ConfigureAwait(false);
                }
                finally
                {
                    queue.Done(item);
                }
            }
        }
        catch (Exception) when (!stopping.IsCancellationRequested)
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task ReconcileAsync(TKey item, CancellationToken cancellationToken)
    {
        var (kind, key) = describe(item);
        using var scope = ControllerLog.BeginReconcileScope(logger, name, kind, key.Namespace, key.Name);
        using var activity = ControllerDiagnostics.ActivitySource.StartActivity($"reconcile {name}");
        activity?.SetTag("controller", name);
        activity?.SetTag("kind", kind);
        activity?.SetTag("namespace", key.Namespace);
        activity?.SetTag("name", key.Name);

        var started = time.GetTimestamp();
        string result;
        try
        {
            var outcome = await reconcile(item, cancellationToken).ConfigureAwait(false);
            if (outcome.RequeueAfter is { } delay)
            {
                queue.Forget(item);
                queue.AddAfter(item, delay);
                result = "requeue_after";
            }
            else if (outcome.IsRequeue)
            {
                queue.AddRateLimited(item);
                metrics.Retried(name);
                result = "requeue";
            }
            else
            {
                queue.Forget(item);
                result = "success";
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = "canceled";
        }
        catch (TerminalException ex)
        {
            queue.Forget(item);
            ControllerLog.ReconcileTerminal(logger, ex, key.ToString());
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            result = "terminal";
        }
        catch (Exception ex)
        {
            var attempt = queue.NumRequeues(item) + 1;
            var delay = queue.AddRateLimited(item);
            metrics.Retried(name);
            ControllerLog.ReconcileFailed(logger, ex, key.ToString(), attempt, delay);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            result = "error";
        }

        var elapsed = time.GetElapsedTime(started);
        activity?.SetTag("result", result);
        metrics.Reconciled(name, result, elapsed);
        ControllerLog.Reconciled(logger, key.ToString(), elapsed, result);
    }
}
