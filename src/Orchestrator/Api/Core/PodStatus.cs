namespace Orchestrator.Api;

/// <summary>The observed state of a pod (Kubernetes <c>PodStatus</c>), written by the node agent and the scheduler.</summary>
public sealed record PodStatus
{
    /// <summary><c>Pending</c>, <c>Running</c>, <c>Succeeded</c>, <c>Failed</c> or <c>Unknown</c>; see <see cref="PodPhase"/>.</summary>
    public string? Phase { get; init; }

    /// <summary>The pod's conditions, at most one per type.</summary>
    public IReadOnlyList<PodCondition> Conditions { get; init; } = [];

    /// <summary>A human-readable explanation of the pod's state.</summary>
    public string? Message { get; init; }

    /// <summary>A CamelCase reason for the pod's state, for example <c>Evicted</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>The nominated node when the pod preempted others and waits for them to leave.</summary>
    public string? NominatedNodeName { get; init; }

    /// <summary>The IP of the node the pod runs on.</summary>
    public string? HostIP { get; init; }

    /// <summary>Every IP of the node the pod runs on.</summary>
    public IReadOnlyList<HostIP> HostIPs { get; init; } = [];

    /// <summary>The pod's primary IP.</summary>
    public string? PodIP { get; init; }

    /// <summary>Every IP of the pod; the first equals <see cref="PodIP"/>.</summary>
    public IReadOnlyList<PodIP> PodIPs { get; init; } = [];

    /// <summary>When the node agent accepted the pod, before images were pulled.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>The state of each init container, in spec order.</summary>
    public IReadOnlyList<ContainerStatus> InitContainerStatuses { get; init; } = [];

    /// <summary>The state of each application container.</summary>
    public IReadOnlyList<ContainerStatus> ContainerStatuses { get; init; } = [];

    /// <summary><c>Guaranteed</c>, <c>Burstable</c> or <c>BestEffort</c>; see <see cref="PodQosClass"/>.</summary>
    public string? QosClass { get; init; }

    /// <summary>The condition of type <paramref name="type"/>, or null.</summary>
    public PodCondition? GetCondition(string type)
    {
        foreach (var condition in Conditions)
        {
            if (condition.Type == type) return condition;
        }
        return null;
    }

    /// <summary>True when the condition of type <paramref name="type"/> exists and its status is <c>True</c>.</summary>
    public bool IsConditionTrue(string type) => GetCondition(type)?.Status == ConditionStatus.True;

    /// <summary>The status of the container named <paramref name="name"/> (init or application), or null.</summary>
    public ContainerStatus? GetContainerStatus(string name) =>
        ContainerStatuses.FirstOrDefault(s => s.Name == name) ?? InitContainerStatuses.FirstOrDefault(s => s.Name == name);
}

/// <summary>A pod IP (Kubernetes <c>PodIP</c>).</summary>
public sealed record PodIP
{
    /// <summary>The address.</summary>
    public string Ip { get; init; } = "";
}

/// <summary>A node IP in pod status (Kubernetes <c>HostIP</c>).</summary>
public sealed record HostIP
{
    /// <summary>The address.</summary>
    public string Ip { get; init; } = "";
}

/// <summary>One condition of a pod (Kubernetes <c>PodCondition</c>).</summary>
public sealed record PodCondition
{
    /// <summary>The condition type, for example <c>Ready</c>; see <see cref="PodConditionType"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>; see <see cref="ConditionStatus"/>.</summary>
    public string Status { get; init; } = ConditionStatus.Unknown;

    /// <summary>When the condition was last probed.</summary>
    public DateTimeOffset? LastProbeTime { get; init; }

    /// <summary>When <see cref="Status"/> last changed.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>A CamelCase reason for the last transition, for example <c>ContainersNotReady</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>A human-readable explanation of the last transition.</summary>
    public string? Message { get; init; }
}

/// <summary>The state of one container (Kubernetes <c>ContainerStatus</c>).</summary>
public sealed record ContainerStatus
{
    /// <summary>The container name from the spec.</summary>
    public string Name { get; init; } = "";

    /// <summary>The current state.</summary>
    public ContainerState State { get; init; } = new();

    /// <summary>The state of the previous run, if the container restarted.</summary>
    public ContainerState? LastState { get; init; }

    /// <summary>True when the readiness probe (if any) passes.</summary>
    public bool Ready { get; init; }

    /// <summary>True after the startup probe (if any) passed; false while it has not.</summary>
    public bool? Started { get; init; }

    /// <summary>How many times the container was restarted.</summary>
    public int RestartCount { get; init; }

    /// <summary>The image the container runs.</summary>
    public string Image { get; init; } = "";

    /// <summary>The resolved image ID.</summary>
    public string ImageID { get; init; } = "";

    /// <summary>The runtime's container ID as <c>runtime://id</c>.</summary>
    public string? ContainerID { get; init; }
}

/// <summary>The state of a container (Kubernetes <c>ContainerState</c>); at most one member is set, none meaning waiting.</summary>
public sealed record ContainerState
{
    /// <summary>Set while the container has not started, for example pulling its image or in back-off.</summary>
    public ContainerStateWaiting? Waiting { get; init; }

    /// <summary>Set while the container runs.</summary>
    public ContainerStateRunning? Running { get; init; }

    /// <summary>Set after the container exited.</summary>
    public ContainerStateTerminated? Terminated { get; init; }
}

/// <summary>A container that has not started (Kubernetes <c>ContainerStateWaiting</c>).</summary>
public sealed record ContainerStateWaiting
{
    /// <summary>Why, for example <c>ContainerCreating</c>, <c>ImagePullBackOff</c> or <c>CrashLoopBackOff</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>Details.</summary>
    public string? Message { get; init; }
}

/// <summary>A running container (Kubernetes <c>ContainerStateRunning</c>).</summary>
public sealed record ContainerStateRunning
{
    /// <summary>When the container (last) started.</summary>
    public DateTimeOffset? StartedAt { get; init; }
}

/// <summary>An exited container (Kubernetes <c>ContainerStateTerminated</c>).</summary>
public sealed record ContainerStateTerminated
{
    /// <summary>The exit code.</summary>
    public int ExitCode { get; init; }

    /// <summary>The signal that killed the container, if any.</summary>
    public int? Signal { get; init; }

    /// <summary>Why, for example <c>Completed</c>, <c>Error</c> or <c>OOMKilled</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>Details, or the container's termination message.</summary>
    public string? Message { get; init; }

    /// <summary>When the container started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the container exited.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The runtime's container ID as <c>runtime://id</c>.</summary>
    public string? ContainerID { get; init; }
}
