using System.Globalization;
using Orchestrator.Api;
using Orchestrator.Runtime;

namespace Orchestrator.NodeAgent;

// Starting containers: image pull policy, configuration, create, start, postStart hook and probes.
internal sealed partial class NodeAgent
{
    /// <summary>
    /// Creates and starts a new instance of <paramref name="container"/>; the restart count is one more than the
    /// current instance's, if there is one. Problems leave the container waiting with a reason and schedule a retry.
    /// </summary>
    private async Task StartContainerAsync(
        PodState state, PodContext context, ContainerRecord record, Container container, Wake wake, CancellationToken cancellationToken)
    {
        var pod = context.Pod;
        if (!await EnsureImageAsync(state, pod, record, container, wake, cancellationToken).ConfigureAwait(false)) return;

        EnvironmentResolver.Result env;
        try
        {
            env = _environment.Resolve(context, container);
        }
        catch (ConfigResolutionException e)
        {
            SetWaiting(state, record, "CreateContainerConfigError", e.Message, EventType.Warning, "Failed", $"Error: {e.Message}");
            Wait(state, e.Dependency);
            wake.After(Options.ConfigRetryInterval);
            return;
        }
        foreach (var warning in env.Warnings) Event(state, EventType.Warning, "InvalidEnvironmentVariableNames", warning);

        var previous = record.Current;
        var restartCount = previous is null ? record.RestartCount : record.RestartCount + 1;
        var config = RuntimeConfigFactory.Container(context, container, record.IsInit, restartCount, env.Variables);
        string id;
        try
        {
            id = await Runtime.CreateContainerAsync(state.SandboxId!, config, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerRuntimeException e)
        {
            SetWaiting(state, record, "CreateContainerError", e.Message, EventType.Warning, "Failed", $"Error: {e.Message}");
            wake.After(Options.BackOffBase);
            await CheckSandboxAsync(state, cancellationToken).ConfigureAwait(false);
            return;
        }
        Event(state, EventType.Normal, "Created", $"Created container {container.Name}");

        if (previous is not null)
        {
            // Keep the instance that just ended (logs --previous); remove the one before it.
            if (record.LastTermination?.ContainerID is { } older && ContainerIdOf(older) is { } olderId && olderId != previous.Id)
            {
                await RemoveQuietlyAsync(olderId, isSandbox: false, cancellationToken).ConfigureAwait(false);
            }
            record.LastTermination = PodStatusBuilder.Terminated(previous, RuntimeName);
            _context.Metrics.ContainerRestarted(Name);
        }
        if (record.Probes is { } oldProbes) oldProbes.Stopped = true;
        record.Probes = null;
        record.RestartCount = restartCount;
        record.Waiting = null;
        record.Current = new RuntimeContainerStatus
        {
            Id = id,
            SandboxId = state.SandboxId!,
            State = RuntimeContainerState.Created,
            Image = container.Image,
            Labels = config.Labels,
            CreatedAt = Time.GetUtcNow(),
        };
        await StartCreatedAsync(state, record, container, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a created instance, then runs its postStart hook and starts its probes.</summary>
    private async Task StartCreatedAsync(PodState state, ContainerRecord record, Container container, CancellationToken cancellationToken)
    {
        var id = record.Current!.Id;
        try
        {
            await ReportingAsync(state, Runtime.StartContainerAsync(id, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerRuntimeException e)
        {
            Event(state, EventType.Warning, "Failed", $"Error: {e.Message}");
            // For example "cannot join network of a non running container": a dead sandbox is replaced.
            state.CheckSandbox = true;
        }
        record.Current = await Runtime.GetContainerStatusAsync(id, cancellationToken).ConfigureAwait(false) ?? record.Current;
        if (record.Current.State != RuntimeContainerState.Running) return;

        Event(state, EventType.Normal, "Started", $"Started container {container.Name}");
        NodeAgentLog.ContainerStarted(Logger, container.Name, id, record.RestartCount);
        if (container.Lifecycle?.PostStart is { } postStart)
        {
            var failure = await _probeRunner.RunHookAsync(id, container, postStart, state.PodIPs.FirstOrDefault() ?? "",
                TimeSpan.FromSeconds(state.Pod!.Spec.TerminationGracePeriodSeconds), cancellationToken).ConfigureAwait(false);
            if (failure is not null)
            {
                Event(state, EventType.Warning, "FailedPostStartHook", $"PostStartHook failed: {failure}");
                await Runtime.StopContainerAsync(id, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                record.Current = await Runtime.GetContainerStatusAsync(id, cancellationToken).ConfigureAwait(false) ?? record.Current;
                return;
            }
        }
        EnsureProbes(state, record, container);
    }

    /// <summary>Applies the image pull policy; false leaves the container waiting (ErrImagePull, ImagePullBackOff, ErrImageNeverPull).</summary>
    private async Task<bool> EnsureImageAsync(
        PodState state, Pod pod, ContainerRecord record, Container container, Wake wake, CancellationToken cancellationToken)
    {
        var image = container.Image;
        var policy = container.ImagePullPolicy ?? (ImageReference.GetTag(image) is "latest" ? PullPolicy.Always : PullPolicy.IfNotPresent);
        if (policy != PullPolicy.Always)
        {
            var present = await Runtime.GetImageAsync(image, cancellationToken).ConfigureAwait(false);
            if (present is not null)
            {
                Event(state, EventType.Normal, "Pulled", $"Container image \"{image}\" already present on machine");
                return true;
            }
            if (policy == PullPolicy.Never)
            {
                var message = $"Container image \"{image}\" is not present with pull policy of Never";
                SetWaiting(state, record, "ErrImageNeverPull", message, EventType.Warning, "ErrImageNeverPull", message);
                wake.After(Options.BackOffBase);
                return false;
            }
        }
        var now = Time.GetUtcNow();
        if (record.PullBackOff.IsInBackOffSince(record.LastPullFailure, now, Options, out var retryAt))
        {
            var message = $"Back-off pulling image \"{image}\"";
            SetWaiting(state, record, "ImagePullBackOff", message, EventType.Normal, "BackOff", message);
            wake.At(retryAt);
            return false;
        }
        Event(state, EventType.Normal, "Pulling", $"Pulling image \"{image}\"");
        var started = Time.GetTimestamp();
        try
        {
            await ReportingAsync(state, Runtime.PullImageAsync(new ImagePullRequest
            {
                Image = image,
                Credentials = RegistryCredentials.For(pod, _context.Secrets),
                Sandbox = state.SandboxConfig,
            }, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (ImagePullException e)
        {
            record.PullBackOff.Next(now, Options);
            record.LastPullFailure = now;
            SetWaiting(state, record, "ErrImagePull", e.Message, EventType.Warning, "Failed", $"Failed to pull image \"{image}\": {e.Message}");
            wake.After(record.PullBackOff.Delay);
            return false;
        }
        record.PullBackOff.Reset();
        var elapsed = Time.GetElapsedTime(started);
        Event(state, EventType.Normal, "Pulled",
            $"Successfully pulled image \"{image}\" in {elapsed.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s");
        return true;
    }

    /// <summary>Sets a waiting reason; the event is recorded only when the reason or message changed.</summary>
    private void SetWaiting(PodState state, ContainerRecord record, string reason, string message, string eventType, string eventReason, string eventMessage)
    {
        if (record.Waiting?.Reason != reason || record.Waiting.Message != message)
        {
            Event(state, eventType, eventReason, eventMessage);
            NodeAgentLog.ContainerWaiting(Logger, record.Name, reason);
        }
        record.Waiting = new ContainerStateWaiting { Reason = reason, Message = message };
    }

    /// <summary>Creates the probe tracker of a running instance and schedules its probes.</summary>
    private void EnsureProbes(PodState state, ContainerRecord record, Container container)
    {
        var current = record.Current!;
        if (record.Probes is { } existing && existing.ContainerId == current.Id) return;
        if (record.Probes is { } stale) stale.Stopped = true;
        var tracker = new ProbeTracker(current.Id, container, current.StartedAt ?? Time.GetUtcNow(), state.StartTime);
        record.Probes = tracker;
        Schedule(ProbeKind.Startup, container.StartupProbe);
        Schedule(ProbeKind.Liveness, container.LivenessProbe);
        Schedule(ProbeKind.Readiness, container.ReadinessProbe);

        void Schedule(ProbeKind kind, Probe? probe)
        {
            if (probe is null) return;
            _context.ProbeQueue.AddAfter(new ProbeKey(this, state, tracker, kind), tracker.DueAt(kind) - Time.GetUtcNow());
        }
    }

    private static void StopProbes(PodState state)
    {
        foreach (var record in state.Containers.Values)
        {
            if (record.Probes is { } probes) probes.Stopped = true;
        }
    }

    /// <summary>Runs one probe attempt for the probe workers; returns when the next attempt is due, or null to stop.</summary>
    public async Task<DateTimeOffset?> ProbeAsync(PodState state, ProbeTracker tracker, ProbeKind kind, CancellationToken cancellationToken)
    {
        var probe = ProbeTracker.ProbeOf(tracker.Container, kind);
        if (probe is null || tracker.Stopped) return null;
        var period = TimeSpan.FromSeconds(Math.Max(1, probe.PeriodSeconds));
        var now = Time.GetUtcNow();
        var due = tracker.DueAt(kind);
        if (due > now) return due;
        var next = tracker.Advance(kind, period);
        if (kind == ProbeKind.Startup && tracker.Started) return null;
        // Liveness and readiness probes wait for the startup probe to succeed.
        if (kind != ProbeKind.Startup && !tracker.Started) return next;

        var result = await _probeRunner.ProbeAsync(tracker.ContainerId, tracker.Container, probe, kind, state.PodIPs.FirstOrDefault() ?? "",
            cancellationToken).ConfigureAwait(false);
        if (tracker.Stopped) return null;
        if (!result.Success)
        {
            Event(state, EventType.Warning, "Unhealthy", $"{kind} probe failed: {result.Message}");
        }
        if (tracker.Record(kind, probe, result.Success)) _context.PodQueue.Add(state.Key);
        return tracker.KillReason is null ? next : null;
    }

    /// <summary>Rebuilds a pod's state from what the runtime ran for it when the agent started.</summary>
    private async Task AdoptAsync(PodState state, AdoptedPod adopted, CancellationToken cancellationToken)
    {
        var sandbox = adopted.Sandboxes.Where(s => s.State == RuntimeSandboxState.Ready).MaxBy(s => (s.Attempt, s.CreatedAt));
        foreach (var stale in adopted.Sandboxes)
        {
            if (stale != sandbox) await RemoveQuietlyAsync(stale.Id, isSandbox: true, cancellationToken).ConfigureAwait(false);
        }
        state.SandboxAttempt = adopted.Sandboxes.Count == 0 ? 0 : adopted.Sandboxes.Max(s => s.Attempt) + (sandbox is null ? 1 : 0);
        if (sandbox is null) return;
        state.SandboxId = sandbox.Id;
        state.SandboxReady = false; // attached again on the first sync

        foreach (var group in adopted.Containers.Where(c => c.SandboxId == sandbox.Id).GroupBy(c => c.ContainerName))
        {
            var instances = group.OrderByDescending(c => c.RestartCount).ThenByDescending(c => c.CreatedAt).ToList();
            var isInit = instances[0].Labels.GetValueOrDefault(ContainerLabels.ContainerKind) == ContainerLabels.InitKind;
            var record = new ContainerRecord(group.Key, isInit)
            {
                Current = instances[0],
                RestartCount = instances[0].RestartCount,
            };
            if (instances.Count > 1 && instances[1].State == RuntimeContainerState.Exited)
            {
                record.LastTermination = PodStatusBuilder.Terminated(instances[1], RuntimeName);
            }
            foreach (var old in instances.Skip(2)) await RemoveQuietlyAsync(old.Id, isSandbox: false, cancellationToken).ConfigureAwait(false);
            state.Containers[group.Key] = record;
        }
    }

    private static string? ContainerIdOf(string containerId)
    {
        var separator = containerId.IndexOf("://", StringComparison.Ordinal);
        return separator < 0 ? containerId : containerId[(separator + 3)..];
    }
}
