using Orchestrator.Api;
using Orchestrator.Runtime;

namespace Orchestrator.NodeAgent;

/// <summary>
/// Computes a pod's status from what the agent knows (kubelet's <c>generateAPIPodStatus</c>): container statuses with
/// waiting reasons, the phase by Kubernetes' <c>getPhase</c> rules, and the Initialized, ContainersReady and Ready
/// conditions with stable transition times. Pure: the same inputs give the same status.
/// </summary>
internal static class PodStatusBuilder
{
    /// <summary>Waiting reason before a container was created.</summary>
    public const string ContainerCreating = "ContainerCreating";

    /// <summary>Waiting reason while init containers have not all succeeded.</summary>
    public const string PodInitializing = "PodInitializing";

    public static PodStatus Build(Pod pod, PodState state, PodStatus? previous, string hostIP, string runtimeName, DateTimeOffset now)
    {
        var spec = pod.Spec;
        var defaultWaiting = new ContainerStateWaiting
        {
            Reason = spec.InitContainers.Count > 0 ? PodInitializing : ContainerCreating,
            Message = state.SandboxWaitingMessage,
        };
        var initStatuses = new ContainerStatus[spec.InitContainers.Count];
        for (var i = 0; i < initStatuses.Length; i++)
        {
            var c = spec.InitContainers[i];
            initStatuses[i] = ContainerStatusOf(c, state.Containers.GetValueOrDefault(c.Name), defaultWaiting, true, runtimeName);
        }
        var appStatuses = new ContainerStatus[spec.Containers.Count];
        for (var i = 0; i < appStatuses.Length; i++)
        {
            var c = spec.Containers[i];
            appStatuses[i] = ContainerStatusOf(c, state.Containers.GetValueOrDefault(c.Name), defaultWaiting, false, runtimeName);
        }

        string phase;
        if (previous?.Phase is PodPhase.Succeeded or PodPhase.Failed) phase = previous.Phase;
        else if (state.FailedReason is not null) phase = PodPhase.Failed;
        else phase = GetPhase(spec, initStatuses, appStatuses);

        var initialized = initStatuses.All(s => s.State.Terminated is { ExitCode: 0 });
        var notReady = appStatuses.Where(s => !s.Ready).Select(s => s.Name).ToArray();
        var terminal = phase is PodPhase.Succeeded or PodPhase.Failed;
        var completed = terminal && initialized;

        var conditions = new List<PodCondition>(4 + (previous?.Conditions.Count ?? 0));
        PodCondition Condition(string type, bool value, string? reason, string? message)
        {
            var status = value ? ConditionStatus.True : ConditionStatus.False;
            var old = previous?.GetCondition(type);
            return new PodCondition
            {
                Type = type,
                Status = status,
                Reason = reason,
                Message = message,
                LastTransitionTime = old is not null && old.Status == status ? old.LastTransitionTime : now,
            };
        }

        var scheduled = previous?.GetCondition(PodConditionType.PodScheduled)
            ?? new PodCondition { Type = PodConditionType.PodScheduled, Status = ConditionStatus.True, LastTransitionTime = now };
        conditions.Add(scheduled);
        conditions.Add(completed
            ? Condition(PodConditionType.Initialized, true, "PodCompleted", null)
            : initialized
                ? Condition(PodConditionType.Initialized, true, null, null)
                : Condition(PodConditionType.Initialized, false, "ContainersNotInitialized",
                    $"containers with incomplete status: [{string.Join(' ', initStatuses.Where(s => s.State.Terminated is not { ExitCode: 0 }).Select(s => s.Name))}]"));
        var containersReady = !terminal && notReady.Length == 0;
        var gatesReady = spec.ReadinessGates.All(g => previous?.IsConditionTrue(g.ConditionType) == true);
        if (terminal)
        {
            conditions.Add(Condition(PodConditionType.ContainersReady, false, "PodCompleted", null));
            conditions.Add(Condition(PodConditionType.Ready, false, "PodCompleted", null));
        }
        else
        {
            var unready = $"containers with unready status: [{string.Join(' ', notReady)}]";
            conditions.Add(containersReady
                ? Condition(PodConditionType.ContainersReady, true, null, null)
                : Condition(PodConditionType.ContainersReady, false, "ContainersNotReady", unready));
            conditions.Add(containersReady && gatesReady
                ? Condition(PodConditionType.Ready, true, null, null)
                : containersReady
                    ? Condition(PodConditionType.Ready, false, "ReadinessGatesNotReady", "the status of pod readiness gate is not \"True\"")
                    : Condition(PodConditionType.Ready, false, "ContainersNotReady", unready));
        }
        if (previous is not null)
        {
            foreach (var foreign in previous.Conditions)
            {
                if (foreign.Type is not (PodConditionType.PodScheduled or PodConditionType.Initialized or
                    PodConditionType.ContainersReady or PodConditionType.Ready))
                {
                    conditions.Add(foreign);
                }
            }
        }

        var podIPs = state.PodIPs.Count > 0 ? state.PodIPs : previous?.PodIPs.Select(p => p.Ip).ToArray() ?? [];
        return new PodStatus
        {
            Phase = phase,
            Conditions = conditions,
            Reason = phase == PodPhase.Failed ? state.FailedReason ?? previous?.Reason : previous?.Reason,
            Message = phase == PodPhase.Failed ? state.FailedMessage ?? previous?.Message : previous?.Message,
            NominatedNodeName = previous?.NominatedNodeName,
            HostIP = hostIP,
            HostIPs = [new HostIP { Ip = hostIP }],
            PodIP = podIPs.Count > 0 ? podIPs[0] : null,
            PodIPs = [.. podIPs.Select(ip => new PodIP { Ip = ip })],
            StartTime = state.StartTime ?? previous?.StartTime,
            InitContainerStatuses = initStatuses,
            ContainerStatuses = appStatuses,
            QosClass = previous?.QosClass ?? QosClass(spec),
        };
    }

    public static ContainerStatus ContainerStatusOf(Container container, ContainerRecord? record, ContainerStateWaiting defaultWaiting, bool isInit, string runtimeName)
    {
        var status = new ContainerStatus { Name = container.Name, Image = container.Image, RestartCount = record?.RestartCount ?? 0 };
        var current = record?.Current;
        if (current is null)
        {
            return status with
            {
                State = new ContainerState { Waiting = record?.Waiting ?? defaultWaiting },
                LastState = LastState(record?.LastTermination),
                Started = false,
            };
        }
        var containerId = $"{runtimeName}://{current.Id}";
        status = status with { ImageID = current.ImageId, ContainerID = containerId };
        switch (current.State)
        {
            case RuntimeContainerState.Running when record!.Waiting is null:
                var probes = record.Probes;
                var started = probes?.Started ?? true;
                return status with
                {
                    State = new ContainerState { Running = new ContainerStateRunning { StartedAt = current.StartedAt } },
                    LastState = LastState(record.LastTermination),
                    Ready = !isInit && started && (probes?.Ready ?? true),
                    Started = started,
                };
            case RuntimeContainerState.Exited:
                var terminated = Terminated(current, runtimeName);
                if (record!.Waiting is { } waiting)
                {
                    return status with
                    {
                        State = new ContainerState { Waiting = waiting },
                        LastState = new ContainerState { Terminated = terminated },
                        Started = false,
                    };
                }
                return status with
                {
                    State = new ContainerState { Terminated = terminated },
                    LastState = LastState(record.LastTermination),
                    Ready = isInit && terminated.ExitCode == 0,
                    Started = false,
                };
            default:
                return status with
                {
                    State = new ContainerState { Waiting = record!.Waiting ?? new ContainerStateWaiting { Reason = ContainerCreating } },
                    LastState = LastState(record.LastTermination),
                    Started = false,
                };
        }
    }

    public static ContainerStateTerminated Terminated(RuntimeContainerStatus container, string runtimeName) => new()
    {
        ExitCode = container.ExitCode ?? 0,
        Reason = container.Reason ?? (container.ExitCode is 0 or null ? ContainerExitReasons.Completed : ContainerExitReasons.Error),
        Message = container.Message,
        StartedAt = container.StartedAt,
        FinishedAt = container.FinishedAt,
        ContainerID = $"{runtimeName}://{container.Id}",
    };

    private static ContainerState LastState(ContainerStateTerminated? terminated) =>
        terminated is null ? new ContainerState() : new ContainerState { Terminated = terminated };

    /// <summary>Kubernetes' <c>getPhase</c> for regular (non-sidecar) init containers.</summary>
    public static string GetPhase(PodSpec spec, IReadOnlyList<ContainerStatus> init, IReadOnlyList<ContainerStatus> app)
    {
        int pendingInitialization = 0, failedInitialization = 0;
        foreach (var s in init)
        {
            if (s.State.Running is not null) pendingInitialization++;
            else if (s.State.Terminated is { } t) failedInitialization += t.ExitCode != 0 ? 1 : 0;
            else if (s.State.Waiting is not null)
            {
                if (s.LastState?.Terminated is { } last) failedInitialization += last.ExitCode != 0 ? 1 : 0;
                else pendingInitialization++;
            }
            else pendingInitialization++;
        }
        int unknown = 0, running = 0, waiting = 0, stopped = 0, succeeded = 0;
        foreach (var s in app)
        {
            if (s.State.Running is not null) running++;
            else if (s.State.Terminated is { } t)
            {
                stopped++;
                if (t.ExitCode == 0) succeeded++;
            }
            else if (s.State.Waiting is not null)
            {
                if (s.LastState?.Terminated is not null) stopped++;
                else waiting++;
            }
            else unknown++;
        }
        if (failedInitialization > 0 && spec.RestartPolicy == RestartPolicy.Never) return PodPhase.Failed;
        if (pendingInitialization > 0 || waiting > 0) return PodPhase.Pending;
        if (running > 0 && unknown == 0) return PodPhase.Running;
        if (running == 0 && stopped > 0 && unknown == 0)
        {
            if (spec.RestartPolicy == RestartPolicy.Always) return PodPhase.Running;
            if (stopped == succeeded) return PodPhase.Succeeded;
            if (spec.RestartPolicy == RestartPolicy.Never) return PodPhase.Failed;
            return PodPhase.Running;
        }
        return PodPhase.Pending;
    }

    /// <summary>The pod's QoS class from its CPU and memory requests and limits.</summary>
    public static string QosClass(PodSpec spec)
    {
        var any = false;
        var guaranteed = true;
        foreach (var c in spec.AllContainers())
        {
            foreach (var resource in (ReadOnlySpan<string>)[ResourceName.Cpu, ResourceName.Memory])
            {
                var limit = c.GetLimit(resource);
                var request = c.GetRequest(resource) ?? limit;
                if (limit is not null || request is not null) any = true;
                if (limit is null || request != limit) guaranteed = false;
            }
        }
        return !any ? PodQosClass.BestEffort : guaranteed ? PodQosClass.Guaranteed : PodQosClass.Burstable;
    }

    /// <summary>True when two statuses are equal for every field the agent writes (cheap; no serialization).</summary>
    public static bool Equivalent(PodStatus? a, PodStatus? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return false;
        return a.Phase == b.Phase && a.Reason == b.Reason && a.Message == b.Message && a.HostIP == b.HostIP &&
            a.PodIP == b.PodIP && a.StartTime == b.StartTime && a.QosClass == b.QosClass &&
            a.NominatedNodeName == b.NominatedNodeName &&
            a.Conditions.SequenceEqual(b.Conditions) &&
            a.PodIPs.SequenceEqual(b.PodIPs) &&
            a.HostIPs.SequenceEqual(b.HostIPs) &&
            a.InitContainerStatuses.SequenceEqual(b.InitContainerStatuses) &&
            a.ContainerStatuses.SequenceEqual(b.ContainerStatuses);
    }
}
