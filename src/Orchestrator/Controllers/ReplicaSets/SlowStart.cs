namespace Orchestrator.Controllers;

/// <summary>
/// Kubernetes' <c>slowStartBatch</c>: runs an operation <c>count</c> times in batches of growing size (1, 2, 4, …), each
/// batch concurrently, and stops after the first batch with a failure. A create that always fails (a quota, an admission
/// rule) is thus attempted once or twice per reconcile, not hundreds of times.
/// </summary>
internal static class SlowStart
{
    /// <summary>The results of the operations that succeeded, and the first failure (null when all succeeded).</summary>
    public static async Task<(List<T> Succeeded, Exception? Error)> RunAsync<T>(
        int count, int initialBatchSize, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        var succeeded = new List<T>(count);
        var remaining = count;
        for (var batch = Math.Min(remaining, initialBatchSize); batch > 0; batch = Math.Min(2 * batch, remaining))
        {
            var tasks = new Task<T>[batch];
            for (var i = 0; i < batch; i++) tasks[i] = operation(cancellationToken);
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch
            {
                // Inspected per task below.
            }
            cancellationToken.ThrowIfCancellationRequested();
            Exception? error = null;
            foreach (var task in tasks)
            {
                if (task.IsCompletedSuccessfully) succeeded.Add(task.Result);
                else error ??= task.Exception?.InnerException ?? new OperationCanceledException();
            }
            if (error is not null) return (succeeded, error);
            remaining -= batch;
        }
        return (succeeded, null);
    }
}
