using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Runtime;
using Orchestrator.Store;

namespace Orchestrator.NodeAgent;

// Stopping containers and pods: graceful deletion, kills for probes and deadlines, sandbox teardown.
internal sealed partial class NodeAgent
{
    /// <summary>
    /// Graceful deletion: runs preStop hooks and stops every container within the pod's deletion grace period (then
    /// kills), removes the sandbox and its network, and finally deletes the Pod object with grace period 0.
    /// </summary>
    private async Task TerminateAsync(PodState state, Pod pod, CancellationToken cancellationToken)
    {
        var started = Time.GetTimestamp();
        var grace = TimeSpan.FromSeconds(Math.Max(0, pod.Metadata.DeletionGracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds));
        await RefreshContainersAsync(state, cancellationToken, force: true).ConfigureAwait(false);
        await KillContainersAsync(state, grace, runPreStop: true, cancellationToken).ConfigureAwait(false);
        await TeardownSandboxAsync(state, remove: true, cancellationToken).ConfigureAwait(false);
        try
        {
            await _context.Store.DeleteAsync(ApiResources.For<Pod>(), pod.Metadata.Namespace, pod.Metadata.Name ?? "",
                new DeleteOptions { GracePeriodSeconds = 0, PreconditionUid = state.Uid }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NotFoundException or ConflictException)
        {
            // Already gone, or replaced by a namesake the next sync takes care of.
        }
        Forget(state);
        NodeAgentLog.PodTerminated(Logger, Time.GetElapsedTime(started));
    }

    /// <summary>Stops every running container of the pod concurrently, each within <paramref name="grace"/>.</summary>
    private async Task KillContainersAsync(PodState state, TimeSpan grace, bool runPreStop, CancellationToken cancellationToken)
    {
        StopProbes(state);
        var pod = state.Pod;
        var tasks = new List<Task>();
        foreach (var record in state.Containers.Values)
        {
            if (record.Current is not { State: RuntimeContainerState.Running or RuntimeContainerState.Created }) continue;
            var container = pod?.Spec.AllContainers().FirstOrDefault(c => c.Name == record.Name);
            tasks.Add(KillContainerAsync(state, record, container, grace, null, runPreStop, cancellationToken));
        }
        if (tasks.Count > 0) await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops one container: its preStop hook first (counting against the grace period), then the runtime's stop with
    /// what is left of it. <paramref name="reason"/> (a probe failure) is recorded in the <c>Killing</c> event.
    /// </summary>
    private async Task KillContainerAsync(
        PodState state, ContainerRecord record, Container? container, TimeSpan grace, string? reason, bool runPreStop, CancellationToken cancellationToken)
    {
        var current = record.Current!;
        if (record.Probes is { } probes) probes.Stopped = true;
        Event(state, EventType.Normal, "Killing", reason ?? $"Stopping container {record.Name}");
        var remaining = grace;
        if (runPreStop && container?.Lifecycle?.PreStop is { } preStop && current.State == RuntimeContainerState.Running && grace > TimeSpan.Zero)
        {
            var started = Time.GetTimestamp();
            var failure = await _probeRunner.RunHookAsync(current.Id, container, preStop, state.PodIPs.FirstOrDefault() ?? "", grace, cancellationToken)
                .ConfigureAwait(false);
            if (failure is not null) Event(state, EventType.Warning, "FailedPreStopHook", $"PreStopHook failed: {failure}");
            remaining = grace - Time.GetElapsedTime(started);
            // As the kubelet does, leave the process a short minimum to react to the stop signal.
            if (remaining < TimeSpan.FromSeconds(2)) remaining = TimeSpan.FromSeconds(2);
        }
        await Runtime.StopContainerAsync(current.Id, remaining, cancellationToken).ConfigureAwait(false);
        record.Current = await Runtime.GetContainerStatusAsync(current.Id, cancellationToken).ConfigureAwait(false)
            ?? current with { State = RuntimeContainerState.Exited, ExitCode = 137, FinishedAt = Time.GetUtcNow() };
    }

    /// <summary>Stops the sandbox and releases its addresses; with <paramref name="remove"/>, removes it and its containers.</summary>
    private async Task TeardownSandboxAsync(PodState state, bool remove, CancellationToken cancellationToken)
    {
        if (state.SandboxId is not { } sandboxId) return;
        if (state.SandboxReady || remove)
        {
            await Runtime.StopSandboxAsync(sandboxId, cancellationToken).ConfigureAwait(false);
            if (state.Pod is { Spec.HostNetwork: false } || state.Pod is null)
            {
                await DetachQuietlyAsync(sandboxId, state.SandboxConfig?.Labels ?? RuntimeConfigFactory.PodLabels(state.Pod ?? new Pod(), Name),
                    cancellationToken).ConfigureAwait(false);
            }
            state.SandboxReady = false;
        }
        if (!remove) return;
        await RemoveQuietlyAsync(sandboxId, isSandbox: true, cancellationToken).ConfigureAwait(false);
        state.SandboxId = null;
    }

    /// <summary>
    /// When the sandbox died (after an exit event of the pod, a failed container create or start, or periodically):
    /// kills what still runs in it, removes it, and leaves the pod without one, so the sync creates the next attempt.
    /// The containers' instances stay as terminated (exit code 137 when they were killed), so they are started again
    /// in the new sandbox under the pod's restart policy with their restart counts incremented, as in Kubernetes; init
    /// containers run again from the first.
    /// </summary>
    private async Task CheckSandboxAsync(PodState state, CancellationToken cancellationToken)
    {
        if (state.SandboxId is not { } sandboxId) return;
        if (state.ExitedSandboxId != sandboxId)
        {
            var sandboxes = await Runtime.ListSandboxesAsync(
                new Dictionary<string, string> { [ContainerLabels.PodUid] = state.Uid, [ContainerLabels.NodeName] = Name }, cancellationToken).ConfigureAwait(false);
            if (sandboxes.Any(s => s.Id == sandboxId && s.State == RuntimeSandboxState.Ready)) return;
        }
        NodeAgentLog.SandboxDied(Logger, sandboxId);
        Event(state, EventType.Normal, "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
        await KillContainersAsync(state, TimeSpan.Zero, runPreStop: false, cancellationToken).ConfigureAwait(false);
        await TeardownSandboxAsync(state, remove: true, cancellationToken).ConfigureAwait(false);
        state.SandboxAttempt++;
        state.PodIPs = [];
        foreach (var record in state.Containers.Values)
        {
            if (record.Current is not { } old) continue;
            if (record.IsInit)
            {
                // The old instances went with the old sandbox; init containers run again, in order.
                record.LastTermination = PodStatusBuilder.Terminated(old, RuntimeName);
                record.Current = null;
                record.RestartCount++;
            }
            else if (old.State == RuntimeContainerState.Created)
            {
                record.Current = null; // never ran: created again in the new sandbox, no restart to count
            }
            else if (old.State != RuntimeContainerState.Exited)
            {
                record.Current = old with { State = RuntimeContainerState.Exited, ExitCode = old.ExitCode ?? 137, FinishedAt = old.FinishedAt ?? Time.GetUtcNow() };
            }
        }
    }

    /// <summary>Drops the agent's state of a pod that is gone.</summary>
    private void Forget(PodState state)
    {
        StopProbes(state);
        ClearWaiting(state);
        _pods.TryRemove(new KeyValuePair<Api.ObjectKey, PodState>(state.Key, state));
        _context.Owners.TryRemove(new KeyValuePair<Api.ObjectKey, NodeAgent>(state.Key, this));
        if (state.CountedRunning)
        {
            state.CountedRunning = false;
            _context.Metrics.RunningChanged(Name, -1);
        }
    }
}
