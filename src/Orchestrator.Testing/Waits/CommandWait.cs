using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Client;

namespace Orchestrator.Testing;

/// <summary>A command run in a pod's default container exits 0; retried every half second until the timeout.</summary>
internal sealed class CommandWait(string podName, IReadOnlyList<string> command) : IWaitStrategy
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    public async Task WaitAsync(PodGroup group, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (command.Count == 0) throw new ArgumentException("The command must name a program.", nameof(command));
        using var deadline = new CancellationTokenSource(timeout, group.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var goal = $"to run `{string.Join(' ', command)}` successfully";
        var last = "the command has not run yet";
        try
        {
            while (true)
            {
                try
                {
                    var result = await group.Client.ExecAsync(group.Namespace, podName, command, timeout: TimeSpan.FromSeconds(10), cancellationToken: linked.Token)
                        .ConfigureAwait(false);
                    if (result.ExitCode == 0 && !result.TimedOut) return;
                    last = result.TimedOut ? "the last run timed out" : $"the last run exited with code {result.ExitCode}: {Tail(result.Stderr.Length > 0 ? result.Stderr : result.Stdout)}";
                }
                catch (Exception e) when (e is BadRequestException or NotFoundException or Runtime.ContainerRuntimeException)
                {
                    last = e.Message;
                    if (await group.Client.GetAsync<Pod>(group.Namespace, podName, linked.Token).ConfigureAwait(false) is { } pod && pod.IsTerminal())
                    {
                        var diagnostics = await group.Client.DescribeAsync(pod, cancellationToken).ConfigureAwait(false);
                        throw new PodFailedException(pod, goal[3..], $"it exited (phase {pod.Status?.Phase})", diagnostics);
                    }
                }
                await Task.Delay(RetryDelay, group.Time, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var diagnostics = await group.Client.DescribeAsync<Pod>(group.Namespace, podName, cancellationToken).ConfigureAwait(false);
            throw new WaitTimeoutException("Pod", group.Namespace, podName, goal, timeout, last, diagnostics);
        }
    }

    private static string Tail(string output)
    {
        var trimmed = output.Trim();
        return trimmed.Length <= 200 ? trimmed : "..." + trimmed[^200..];
    }
}
