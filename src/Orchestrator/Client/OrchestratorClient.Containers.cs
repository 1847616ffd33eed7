using System.Runtime.CompilerServices;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Runtime;
using Orchestrator.Store;

namespace Orchestrator.Client;

// Logs and exec: through the runtime of the node the pod runs on.
public sealed partial class OrchestratorClient
{
    /// <summary>The annotation naming the container <c>kubectl logs</c> and <c>exec</c> use when none is given.</summary>
    private const string DefaultContainerAnnotation = "kubectl.kubernetes.io/default-container";

    private static readonly TimeSpan DefaultExecTimeout = TimeSpan.FromMinutes(1);

    /// <inheritdoc/>
    public async IAsyncEnumerable<string> ReadLogsAsync(string @namespace, string podName, PodLogOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new PodLogOptions();
        var pod = await GetPodAsync(@namespace, podName, cancellationToken).ConfigureAwait(false);
        var container = ContainerOf(pod, options.Container);
        var status = pod.Status?.ContainerStatuses.FirstOrDefault(s => s.Name == container)
            ?? pod.Status?.InitContainerStatuses.FirstOrDefault(s => s.Name == container);
        string? containerId;
        if (options.Previous)
        {
            containerId = status?.LastState?.Terminated?.ContainerID;
            if (containerId is null)
            {
                throw new BadRequestException($"previous terminated container \"{container}\" in pod \"{podName}\" not found");
            }
        }
        else
        {
            containerId = status?.ContainerID ?? status?.State.Terminated?.ContainerID;
            if (containerId is null) throw new BadRequestException(WaitingMessage(podName, container, status));
        }
        var logs = RuntimeOf(pod) as IContainerLogs
            ?? throw new NotSupportedException($"The runtime of node \"{pod.Spec.NodeName}\" cannot read container logs.");
        var runtimeOptions = new LogOptions { Follow = options.Follow, TailLines = options.TailLines, Since = options.SinceTime };
        await foreach (var line in logs.ReadLogsAsync(RuntimeId(containerId), runtimeOptions, cancellationToken).ConfigureAwait(false))
        {
            yield return options.Timestamps ? $"{line.Timestamp.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ} {line.Text}" : line.Text;
        }
    }

    /// <inheritdoc/>
    public async Task<ExecResult> ExecAsync(string @namespace, string podName, IReadOnlyList<string> command, string? container = null,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0) throw new ArgumentException("The command must name a program.", nameof(command));
        var pod = await GetPodAsync(@namespace, podName, cancellationToken).ConfigureAwait(false);
        var name = ContainerOf(pod, container);
        var status = pod.Status?.ContainerStatuses.FirstOrDefault(s => s.Name == name)
            ?? pod.Status?.InitContainerStatuses.FirstOrDefault(s => s.Name == name);
        if (status?.State.Running is null || status.ContainerID is null)
        {
            throw new BadRequestException(status?.State.Terminated is { } t
                ? $"cannot exec into container \"{name}\" in pod \"{podName}\": it terminated with exit code {t.ExitCode}"
                : WaitingMessage(podName, name, status));
        }
        var exec = RuntimeOf(pod) as IContainerExec
            ?? throw new NotSupportedException($"The runtime of node \"{pod.Spec.NodeName}\" cannot run commands in containers.");
        return await exec.ExecAsync(RuntimeId(status.ContainerID), command, timeout ?? DefaultExecTimeout, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Pod> GetPodAsync(string @namespace, string podName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(podName);
        return await Store.GetRequiredAsync<Pod>(string.IsNullOrEmpty(@namespace) ? "default" : @namespace, podName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The container to use: the one asked for (which must exist), else the default container.</summary>
    private static string ContainerOf(Pod pod, string? requested)
    {
        if (requested is not null)
        {
            if (pod.Spec.AllContainers().Any(c => c.Name == requested)) return requested;
            throw new BadRequestException(
                $"container {requested} is not valid for pod {pod.Metadata.Name}; choose one of: [{string.Join(" ", pod.Spec.AllContainers().Select(c => c.Name))}]");
        }
        if (pod.Metadata.Annotations.TryGetValue(DefaultContainerAnnotation, out var annotated) && pod.Spec.Containers.Any(c => c.Name == annotated))
        {
            return annotated;
        }
        return pod.Spec.Containers.FirstOrDefault()?.Name ?? throw new BadRequestException($"pod {pod.Metadata.Name} has no containers");
    }

    private static string WaitingMessage(string podName, string container, ContainerStatus? status) =>
        status?.State.Waiting is { } waiting
            ? $"container \"{container}\" in pod \"{podName}\" is waiting to start: {waiting.Reason ?? "ContainerCreating"}"
            : $"container \"{container}\" in pod \"{podName}\" has not started yet";

    private IContainerRuntime RuntimeOf(Pod pod)
    {
        var node = pod.Spec.NodeName;
        if (string.IsNullOrEmpty(node)) throw new BadRequestException($"pod \"{pod.Metadata.Name}\" is not scheduled to a node yet");
        if (_runtimes is null)
        {
            throw new InvalidOperationException(
                "This client cannot reach container runtimes: create it with the nodes (new OrchestratorClient(store, nodes)) or resolve it from a host built with AddOrchestrator.");
        }
        return _runtimes.Find(node) ?? throw new InvalidOperationException($"Pod \"{pod.Metadata.Name}\" runs on node \"{node}\", which this process does not run.");
    }

    /// <summary>The runtime's id of a container from its status id <c>&lt;runtime&gt;://&lt;id&gt;</c>.</summary>
    private static string RuntimeId(string containerId)
    {
        var separator = containerId.IndexOf("://", StringComparison.Ordinal);
        return separator < 0 ? containerId : containerId[(separator + 3)..];
    }
}
