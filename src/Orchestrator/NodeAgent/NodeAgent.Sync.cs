using System.Globalization;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Networking;
using Orchestrator.Runtime;

namespace Orchestrator.NodeAgent;

// The level-based synchronisation of one pod: read what is, compare with the spec, act, report.
internal sealed partial class NodeAgent
{
    /// <summary>
    /// Synchronises the pod with <paramref name="key"/>: <paramref name="pod"/> is its current state from the cache, or
    /// null when it is gone. Never runs concurrently for one key.
    /// </summary>
    /// <returns>When to synchronise again without a signal; null for not at all.</returns>
    public async Task<DateTimeOffset?> SyncAsync(ObjectKey key, Pod? pod, CancellationToken cancellationToken)
    {
        _pods.TryGetValue(key, out var state);
        if (state is not null && (pod is null || pod.Metadata.Uid != state.Uid || pod.Spec.NodeName != Name))
        {
            // The pod this state belongs to left the store (force-deleted, or replaced by a namesake): stop its containers.
            var grace = state.Pod?.Spec.TerminationGracePeriodSeconds ?? 0;
            await KillContainersAsync(state, TimeSpan.FromSeconds(grace), runPreStop: true, cancellationToken).ConfigureAwait(false);
            await TeardownSandboxAsync(state, remove: true, cancellationToken).ConfigureAwait(false);
            Forget(state);
            state = null;
        }
        if (pod is null || pod.Spec.NodeName != Name || pod.Metadata.Uid is not { } uid) return null;

        if (state is null)
        {
            state = new PodState(key, uid) { LastStatus = pod.Status, LastStatusVersion = VersionOf(pod) };
            if (_adoptable.TryRemove(uid, out var adopted)) await AdoptAsync(state, adopted, cancellationToken).ConfigureAwait(false);
            _pods[key] = state;
            _context.Owners[key] = this;
        }
        state.Pod = pod;
        using var scope = NodeAgentLog.BeginPodScope(Logger, Name, key.Namespace, key.Name);
        var started = Time.GetTimestamp();
        try
        {
            return await SyncStateAsync(state, pod, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _context.Metrics.PodSynced(Time.GetElapsedTime(started));
        }
    }

    private async Task<DateTimeOffset?> SyncStateAsync(PodState state, Pod pod, CancellationToken cancellationToken)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            await TerminateAsync(state, pod, cancellationToken).ConfigureAwait(false);
            return null;
        }
        if (state.Finished) return null;

        var now = Time.GetUtcNow();
        var wake = new Wake(now, Options.ResyncInterval);
        ClearWaiting(state);
        if (state.StartTime is null)
        {
            state.StartTime = pod.Status?.StartTime ?? now;
            state.NeedsInitialStatus = pod.Status?.StartTime is null;
        }

        if (pod.IsTerminal())
        {
            // Someone (or an earlier run of this agent) failed or completed the pod: make sure nothing runs any more.
            await KillContainersAsync(state, TimeSpan.FromSeconds(pod.Spec.TerminationGracePeriodSeconds), runPreStop: true, cancellationToken).ConfigureAwait(false);
            await TeardownSandboxAsync(state, remove: false, cancellationToken).ConfigureAwait(false);
            state.Finished = true;
            return null;
        }

        if (pod.Spec.ActiveDeadlineSeconds is { } activeDeadline && state.FailedReason is null)
        {
            var deadline = state.StartTime.Value + TimeSpan.FromSeconds(activeDeadline);
            if (now >= deadline)
            {
                state.FailedReason = "DeadlineExceeded";
                state.FailedMessage = "Pod was active on the node longer than the specified deadline";
                Event(state, EventType.Warning, "DeadlineExceeded", state.FailedMessage);
                await KillContainersAsync(state, TimeSpan.FromSeconds(pod.Spec.TerminationGracePeriodSeconds), runPreStop: true, cancellationToken)
                    .ConfigureAwait(false);
            }
            else wake.At(deadline);
        }

        if (state.FailedReason is null)
        {
            if (state.SandboxId is not null && state.SandboxReady && (state.CheckSandbox || now >= state.NextSandboxCheck))
            {
                // The kubelet's "pod sandbox changed": a dead sandbox (killed from outside, its process crashed) took the
                // pod's network with it; replace it and run the containers again in the new one.
                state.CheckSandbox = false;
                state.NextSandboxCheck = now + Options.ResyncInterval;
                await CheckSandboxAsync(state, cancellationToken).ConfigureAwait(false);
            }
            await RefreshContainersAsync(state, cancellationToken).ConfigureAwait(false);
            var context = Context(state, pod);
            if (await EnsureSandboxAsync(state, context, wake, cancellationToken).ConfigureAwait(false))
            {
                context = Context(state, pod);
                if (await SyncInitContainersAsync(state, context, wake, cancellationToken).ConfigureAwait(false))
                {
                    foreach (var container in pod.Spec.Containers)
                    {
                        await SyncAppContainerAsync(state, context, container, wake, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }

        state.NeedsInitialStatus = false;
        var status = await WriteStatusAsync(state, pod, wake, cancellationToken).ConfigureAwait(false);
        if (status?.Phase is PodPhase.Succeeded or PodPhase.Failed)
        {
            await KillContainersAsync(state, TimeSpan.FromSeconds(pod.Spec.TerminationGracePeriodSeconds), runPreStop: true, cancellationToken).ConfigureAwait(false);
            await TeardownSandboxAsync(state, remove: false, cancellationToken).ConfigureAwait(false);
            StopProbes(state);
            state.Finished = true;
            return null;
        }
        return wake.Time;
    }

    private PodContext Context(PodState state, Pod pod) => new(pod, Name, _registration.InternalIP, state.PodIPs, Allocatable);

    /// <summary>Reads the current state of every container instance that may have changed since the last sync.</summary>
    /// <remarks>
    /// While the runtime's events flow and none arrived for the pod, running containers are taken as running (an exit
    /// would have been signalled) until the resync interval since their last read; this spares a runtime call per
    /// container on syncs for probe results and status. <paramref name="force"/> reads them regardless.
    /// </remarks>
    private async Task RefreshContainersAsync(PodState state, CancellationToken cancellationToken, bool force = false)
    {
        var now = Time.GetUtcNow();
        var trustRunning = !force && _eventsFlow && !state.ContainersChanged && now - state.ContainersReadAt < Options.ResyncInterval;
        state.ContainersChanged = false;
        if (!trustRunning) state.ContainersReadAt = now;
        foreach (var record in state.Containers.Values)
        {
            if (record.Current is not { State: RuntimeContainerState.Running or RuntimeContainerState.Created } current) continue;
            if (trustRunning && current.State == RuntimeContainerState.Running) continue;
            var fresh = await Runtime.GetContainerStatusAsync(current.Id, cancellationToken).ConfigureAwait(false);
            if (fresh is null)
            {
                // The instance vanished from the runtime: report it as terminated, so it is restarted per policy.
                fresh = current with
                {
                    State = RuntimeContainerState.Exited,
                    ExitCode = 137,
                    Reason = "ContainerStatusUnknown",
                    Message = "The container could not be located when the pod was synchronised",
                    FinishedAt = Time.GetUtcNow(),
                };
            }
            if (fresh.State == RuntimeContainerState.Exited && current.State != RuntimeContainerState.Exited)
            {
                NodeAgentLog.ContainerExited(Logger, record.Name, fresh.ExitCode ?? 0);
                if (record.Probes is { } probes) probes.Stopped = true;
            }
            record.Current = fresh;
        }
    }

    private async Task<bool> EnsureSandboxAsync(PodState state, PodContext context, Wake wake, CancellationToken cancellationToken)
    {
        var pod = context.Pod;
        if (state.SandboxId is null && pod.Spec.RestartPolicy == RestartPolicy.Never && state.SandboxAttempt > 0 &&
            state.Containers.Values.Any(r => r.Current is not null))
        {
            // As the kubelet: a pod that never restarts gets no new sandbox once its containers ran; they stay terminated.
            return false;
        }
        if (state.SandboxId is { } existing)
        {
            if (state.SandboxReady) return true;
            // Adopted after an agent restart: attach again (idempotent) to learn the pod's addresses.
            state.PodIPs = await AttachAsync(existing, pod, cancellationToken).ConfigureAwait(false);
            state.SandboxConfig ??= RuntimeConfigFactory.Sandbox(context, state.SandboxAttempt, Network.NetworkName, [], Options);
            state.SandboxReady = true;
            state.NextSandboxCheck = Time.GetUtcNow() + Options.ResyncInterval;
            return true;
        }

        IReadOnlyList<RuntimeVolume> volumes;
        try
        {
            volumes = _volumes.Resolve(context);
            state.SandboxWaitingMessage = null;
        }
        catch (ConfigResolutionException e)
        {
            if (state.SandboxWaitingMessage != e.Message) Event(state, EventType.Warning, "FailedMount", e.Message);
            state.SandboxWaitingMessage = e.Message;
            Wait(state, e.Dependency);
            wake.After(Options.ConfigRetryInterval);
            return false;
        }

        var config = RuntimeConfigFactory.Sandbox(context, state.SandboxAttempt, Network.NetworkName, volumes, Options);
        string sandboxId;
        try
        {
            sandboxId = await ReportingAsync(state, Runtime.CreateSandboxAsync(config, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerRuntimeException e)
        {
            var message = $"Failed to create pod sandbox: {e.Message}";
            Event(state, EventType.Warning, "FailedCreatePodSandBox", message);
            state.SandboxWaitingMessage = message;
            wake.After(Options.BackOffBase);
            return false;
        }
        state.SandboxId = sandboxId;
        state.SandboxConfig = config;
        try
        {
            state.PodIPs = await AttachAsync(sandboxId, pod, cancellationToken).ConfigureAwait(false);
        }
        catch (NetworkException e)
        {
            var message = $"Failed to set up the pod network: {e.Message}";
            Event(state, EventType.Warning, "FailedCreatePodSandBox", message);
            state.SandboxWaitingMessage = message;
            await RemoveQuietlyAsync(sandboxId, isSandbox: true, cancellationToken).ConfigureAwait(false);
            state.SandboxId = null;
            wake.After(Options.BackOffBase);
            return false;
        }
        state.SandboxReady = true;
        state.NextSandboxCheck = Time.GetUtcNow() + Options.ResyncInterval;
        return true;
    }

    private async Task<IReadOnlyList<string>> AttachAsync(string sandboxId, Pod pod, CancellationToken cancellationToken)
    {
        if (pod.Spec.HostNetwork) return [_registration.InternalIP];
        var attachment = new PodNetworkAttachment(sandboxId, pod.Metadata.Namespace ?? "", pod.Metadata.Name ?? "", pod.Metadata.Uid ?? "", Name);
        var status = await Network.AttachAsync(attachment, cancellationToken).ConfigureAwait(false);
        return status.Ips;
    }

    /// <summary>
    /// Awaits a runtime call; when it does not complete at once and the pod was just accepted, first reports the pod
    /// Pending (ContainerCreating) with its start time, as the kubelet does on admission. Fast calls (the simulated
    /// runtime) skip that extra write; slow ones (pulls, real starts) show the pod's progress while they run.
    /// </summary>
    private async ValueTask<T> ReportingAsync<T>(PodState state, ValueTask<T> call, CancellationToken cancellationToken)
    {
        if (!call.IsCompleted) await WriteInitialStatusAsync(state, cancellationToken).ConfigureAwait(false);
        return await call.ConfigureAwait(false);
    }

    /// <inheritdoc cref="ReportingAsync{T}"/>
    private async ValueTask ReportingAsync(PodState state, ValueTask call, CancellationToken cancellationToken)
    {
        if (!call.IsCompleted) await WriteInitialStatusAsync(state, cancellationToken).ConfigureAwait(false);
        await call.ConfigureAwait(false);
    }

    private async Task WriteInitialStatusAsync(PodState state, CancellationToken cancellationToken)
    {
        if (!state.NeedsInitialStatus || state.Pod is not { } pod) return;
        state.NeedsInitialStatus = false;
        await WriteStatusAsync(state, pod, new Wake(Time.GetUtcNow(), null), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs init containers one at a time; true once every one of them has succeeded.</summary>
    private async Task<bool> SyncInitContainersAsync(PodState state, PodContext context, Wake wake, CancellationToken cancellationToken)
    {
        var pod = context.Pod;
        foreach (var container in pod.Spec.InitContainers)
        {
            var record = state.Record(container, isInit: true);
            var current = record.Current;
            if (current is { State: RuntimeContainerState.Exited, ExitCode: 0 } && record.Waiting is null) continue;
            switch (current?.State)
            {
                case null:
                    await StartContainerAsync(state, context, record, container, wake, cancellationToken).ConfigureAwait(false);
                    break;
                case RuntimeContainerState.Created:
                    await StartCreatedAsync(state, record, container, cancellationToken).ConfigureAwait(false);
                    break;
                case RuntimeContainerState.Exited when current.ExitCode == 0:
                    break;
                case RuntimeContainerState.Exited when pod.Spec.RestartPolicy != RestartPolicy.Never:
                    await RestartWithBackOffAsync(state, context, record, container, wake, cancellationToken).ConfigureAwait(false);
                    break;
            }
            return false;
        }
        return true;
    }

    private async Task SyncAppContainerAsync(PodState state, PodContext context, Container container, Wake wake, CancellationToken cancellationToken)
    {
        var record = state.Record(container, isInit: false);
        var current = record.Current;
        switch (current?.State)
        {
            case null:
                await StartContainerAsync(state, context, record, container, wake, cancellationToken).ConfigureAwait(false);
                return;
            case RuntimeContainerState.Created:
                await StartCreatedAsync(state, record, container, cancellationToken).ConfigureAwait(false);
                return;
            case RuntimeContainerState.Running:
                string? killReason = null;
                if (current.Labels.TryGetValue(ContainerLabels.ContainerHash, out var hash) && hash != RuntimeConfigFactory.Hash(container))
                {
                    killReason = $"Container {container.Name} definition changed, will be restarted";
                }
                else if (record.Probes is { KillReason: { } probeReason, Stopped: false } probes && probes.ContainerId == current.Id)
                {
                    killReason = probeReason;
                }
                if (killReason is null)
                {
                    EnsureProbes(state, record, container);
                    return;
                }
                var probe = container.LivenessProbe ?? container.StartupProbe;
                var grace = probe?.TerminationGracePeriodSeconds ?? context.Pod.Spec.TerminationGracePeriodSeconds;
                await KillContainerAsync(state, record, container, TimeSpan.FromSeconds(grace), killReason, runPreStop: true, cancellationToken)
                    .ConfigureAwait(false);
                if (record.Current?.State != RuntimeContainerState.Exited) return;
                // The killed container restarts under the pod's policy right away, like any exit.
                goto case RuntimeContainerState.Exited;
            case RuntimeContainerState.Exited:
                var exit = record.Current!.ExitCode ?? 0;
                var policy = context.Pod.Spec.RestartPolicy;
                if (policy == RestartPolicy.Never || (policy == RestartPolicy.OnFailure && exit == 0))
                {
                    record.Waiting = null;
                    return;
                }
                await RestartWithBackOffAsync(state, context, record, container, wake, cancellationToken).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>Restarts an exited container, unless it is still in its crash back-off (<c>CrashLoopBackOff</c>).</summary>
    private async Task RestartWithBackOffAsync(
        PodState state, PodContext context, ContainerRecord record, Container container, Wake wake, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var finished = record.Current?.FinishedAt ?? now;
        if (record.CrashBackOff.IsInBackOffSince(finished, now, Options, out var retryAt))
        {
            var pod = context.Pod;
            var delay = record.CrashBackOff.Delay;
            var waiting = new ContainerStateWaiting
            {
                Reason = "CrashLoopBackOff",
                Message = $"back-off {FormatDuration(delay)} restarting failed container={container.Name} pod={pod.Metadata.Name}_{pod.Metadata.Namespace}({pod.Metadata.Uid})",
            };
            if (record.Waiting?.Reason != waiting.Reason || record.Waiting.Message != waiting.Message)
            {
                Event(state, EventType.Warning, "BackOff",
                    $"Back-off restarting failed container {container.Name} in pod {pod.Metadata.Name}_{pod.Metadata.Namespace}({pod.Metadata.Uid})");
            }
            record.Waiting = waiting;
            wake.At(retryAt);
            return;
        }
        record.CrashBackOff.Next(now, Options);
        await StartContainerAsync(state, context, record, container, wake, cancellationToken).ConfigureAwait(false);
    }

    private void ClearWaiting(PodState state)
    {
        foreach (var dependency in state.WaitingFor)
        {
            if (_context.Waiting.TryGetValue(dependency, out var pods)) pods.TryRemove(state.Key, out _);
        }
        state.WaitingFor.Clear();
    }

    private void Wait(PodState state, ConfigDependency? dependency)
    {
        if (dependency is not { } d) return;
        state.WaitingFor.Add(d);
        _context.WaitFor(d, state.Key);
    }

    private async Task<PodStatus?> WriteStatusAsync(PodState state, Pod pod, Wake wake, CancellationToken cancellationToken)
    {
        var podVersion = VersionOf(pod);
        var previous = state.LastStatus is not null && state.LastStatusVersion > podVersion ? state.LastStatus : pod.Status;
        var now = Time.GetUtcNow();
        var status = PodStatusBuilder.Build(pod, state, previous, _registration.InternalIP, RuntimeName, now);
        if (PodStatusBuilder.Equivalent(status, previous)) return status;
        if (Options.StatusUpdateInterval > TimeSpan.Zero && state.LastStatusWrite != default &&
            now - state.LastStatusWrite < Options.StatusUpdateInterval && status.Phase == previous?.Phase)
        {
            wake.At(state.LastStatusWrite + Options.StatusUpdateInterval);
            return status;
        }
        Pod written;
        try
        {
            // Unconditional: the agent owns the status of the pods on its node; foreign conditions were carried over.
            written = (Pod)await _context.Store.UpdateStatusAsync(
                pod with { Metadata = pod.Metadata with { ResourceVersion = null }, Status = status }, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return status;
        }
        state.LastStatus = written.Status;
        state.LastStatusVersion = VersionOf(written);
        state.LastStatusWrite = now;
        var running = status.Phase == PodPhase.Running;
        if (running && !state.StartupRecorded)
        {
            state.StartupRecorded = true;
            if (pod.Metadata.CreationTimestamp is { } created) _context.Metrics.PodStarted(now - created);
        }
        if (running != state.CountedRunning)
        {
            state.CountedRunning = running;
            _context.Metrics.RunningChanged(Name, running ? 1 : -1);
        }
        return status;
    }

    private static long VersionOf(KubernetesObject obj) =>
        long.TryParse(obj.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : 0;

    internal static string FormatDuration(TimeSpan duration) =>
        duration.TotalMinutes >= 1
            ? $"{(int)duration.TotalMinutes}m{duration.Seconds}s"
            : $"{(int)duration.TotalSeconds}s";

    /// <summary>The earliest time a sync asked to run again (absolute, so a late caller does not shift it).</summary>
    private sealed class Wake(DateTimeOffset now, TimeSpan? initial)
    {
        public DateTimeOffset? Time { get; private set; } = initial is { } delay ? now + delay : null;

        public void After(TimeSpan delay) => At(now + (delay < TimeSpan.Zero ? TimeSpan.Zero : delay));

        public void At(DateTimeOffset time)
        {
            if (Time is null || time < Time) Time = time;
        }
    }
}
