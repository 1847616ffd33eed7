using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Client;

namespace Orchestrator.Testing;

/// <summary>
/// A log line of a pod contains a text: follows the container's logs once it has started, across restarts. A pod that
/// exits without writing it fails the wait at once.
/// </summary>
internal sealed class LogWait(string podName, string text, string? container) : IWaitStrategy
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    public async Task WaitAsync(PodGroup group, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, group.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var goal = $"to log \"{text}\"";
        try
        {
            while (true)
            {
                var pod = await group.Client.WaitForConditionAsync<Pod>(group.Namespace, podName, Started, timeout, "to start its container", linked.Token)
                    .ConfigureAwait(false);
                try
                {
                    var options = new PodLogOptions { Container = container, Follow = true };
                    await foreach (var line in group.Client.ReadLogsAsync(group.Namespace, podName, options, linked.Token).ConfigureAwait(false))
                    {
                        if (line.Contains(text, StringComparison.Ordinal)) return;
                    }
                }
                catch (BadRequestException)
                {
                    // The container was replaced between the check and the read; look again.
                }
                pod = await group.Client.GetAsync<Pod>(group.Namespace, podName, linked.Token).ConfigureAwait(false) ?? pod;
                if (pod.IsTerminal())
                {
                    var diagnostics = await group.Client.DescribeAsync(pod, cancellationToken).ConfigureAwait(false);
                    throw new PodFailedException(pod, $"log \"{text}\"", $"it exited (phase {pod.Status?.Phase}) without logging it", diagnostics);
                }
                await Task.Delay(RetryDelay, group.Time, linked.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WaitTimeoutException && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var diagnostics = await group.Client.DescribeAsync<Pod>(group.Namespace, podName, cancellationToken).ConfigureAwait(false);
            throw new WaitTimeoutException("Pod", group.Namespace, podName, goal, timeout, "no log line contains it yet", diagnostics);
        }
    }

    private bool Started(Pod pod)
    {
        var name = container ?? pod.Spec.Containers.FirstOrDefault()?.Name;
        var status = pod.Status?.ContainerStatuses.FirstOrDefault(s => s.Name == name);
        return status?.ContainerID is not null || status?.State.Terminated is not null || pod.IsTerminal();
    }
}
