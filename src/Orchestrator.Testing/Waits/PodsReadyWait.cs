using System.Collections.Concurrent;
using Orchestrator.Api;
using Orchestrator.Client;
using Orchestrator.Store;

namespace Orchestrator.Testing;

/// <summary>At least a number of pods matching a selector are Ready; a matching pod that fails ends the wait at once.</summary>
internal sealed class PodsReadyWait(string labelSelector, int count) : IWaitStrategy
{
    public async Task WaitAsync(PodGroup group, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pods = new ConcurrentDictionary<string, Pod>(StringComparer.Ordinal);
        var outcome = new TaskCompletionSource<Pod?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = group.Client.Watch<Pod>(group.Namespace, labelSelector).Subscribe(
            e =>
            {
                if (e.Type == WatchEventType.Deleted) pods.TryRemove(e.Object.Metadata.Name!, out _);
                else if (e.Type != WatchEventType.Bookmark) pods[e.Object.Metadata.Name!] = e.Object;
                if (e.Object.Status?.Phase == PodPhase.Failed && e.Type != WatchEventType.Deleted) outcome.TrySetResult(e.Object);
                else if (pods.Values.Count(p => p.IsReady()) >= count) outcome.TrySetResult(null);
            },
            error => outcome.TrySetException(error));
        if (count <= 0) outcome.TrySetResult(null);

        using var deadline = new CancellationTokenSource(timeout, group.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        Pod? failed;
        try
        {
            failed = await outcome.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var ready = pods.Values.Count(p => p.IsReady());
            var notReady = pods.Values.Where(p => !p.IsReady()).Take(3).ToList();
            var descriptions = new List<string>();
            foreach (var pod in notReady) descriptions.Add(await group.Client.DescribeAsync(pod, cancellationToken).ConfigureAwait(false));
            throw new WaitTimeoutException("Pod", group.Namespace, labelSelector, $"(at least {count}) to be ready", timeout,
                $"{ready} of {pods.Count} matching pods are ready",
                descriptions.Count == 0 ? $"No pod matches {labelSelector}." : string.Join(Environment.NewLine, descriptions));
        }
        if (failed is not null)
        {
            var diagnostics = await group.Client.DescribeAsync(failed, cancellationToken).ConfigureAwait(false);
            throw new PodFailedException(failed, "become ready", $"it failed: {failed.Status?.Reason ?? failed.Status?.Message ?? "see below"}", diagnostics);
        }
    }
}
