using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>
/// Runs one pod on every eligible node (Kubernetes apps/v1 <c>DaemonSet</c>); a node is eligible when the pod
/// template's node selector, affinity and tolerations allow it.
/// </summary>
public sealed record DaemonSet : KubernetesObject<DaemonSetSpec, DaemonSetStatus>
{
    /// <summary>Creates an empty <c>apps/v1</c> DaemonSet.</summary>
    public DaemonSet() : base("apps/v1", "DaemonSet")
    {
    }
}

/// <summary>The desired state of a <see cref="DaemonSet"/> (Kubernetes <c>DaemonSetSpec</c>).</summary>
public sealed record DaemonSetSpec
{
    /// <summary>Selects the pods the set owns. Required, must not be empty and must match <see cref="Template"/>'s labels.</summary>
    public LabelSelector? Selector { get; init; }

    /// <summary>The pod to run on each node. The only allowed <c>restartPolicy</c> is <c>Always</c>.</summary>
    public PodTemplateSpec Template { get; init; } = new();

    /// <summary>How pods are replaced when the template changes; <c>RollingUpdate</c> with maxUnavailable 1 by default.</summary>
    public DaemonSetUpdateStrategy UpdateStrategy { get; init; } = new();

    /// <summary>Seconds a new pod must be ready, without any container crashing, to count as available; default 0.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int MinReadySeconds { get; init; }

    /// <summary>How many ControllerRevisions not in use to keep; defaults to 10.</summary>
    public int RevisionHistoryLimit { get; init; } = 10;
}

/// <summary>How a <see cref="DaemonSet"/> replaces pods when its template changes (Kubernetes <c>DaemonSetUpdateStrategy</c>).</summary>
public sealed record DaemonSetUpdateStrategy
{
    /// <summary><c>RollingUpdate</c> (the default) or <c>OnDelete</c>; see <see cref="DaemonSetUpdateStrategyType"/>.</summary>
    public string Type { get; init; } = DaemonSetUpdateStrategyType.RollingUpdate;

    /// <summary>Rolling update parameters; the defaulter fills them in for <c>RollingUpdate</c>. Must be absent for <c>OnDelete</c>.</summary>
    public RollingUpdateDaemonSet? RollingUpdate { get; init; }
}

/// <summary>Limits of a DaemonSet rolling update (Kubernetes <c>RollingUpdateDaemonSet</c>); exactly one of the two is non-zero.</summary>
public sealed record RollingUpdateDaemonSet
{
    /// <summary>
    /// The most nodes whose daemon pod may be unavailable during the update: a count or a percentage of
    /// <c>desiredNumberScheduled</c>, rounded up; defaults to 1.
    /// </summary>
    public IntOrString MaxUnavailable { get; init; } = 1;

    /// <summary>
    /// The most nodes that may run an updated pod next to the old one: a count or a percentage, rounded up to at
    /// least 1; defaults to 0.
    /// </summary>
    public IntOrString MaxSurge { get; init; } = 0;
}

/// <summary>The observed state of a <see cref="DaemonSet"/> (Kubernetes <c>DaemonSetStatus</c>).</summary>
public sealed record DaemonSetStatus
{
    /// <summary>Eligible nodes that run at least one daemon pod.</summary>
    public int CurrentNumberScheduled { get; init; }

    /// <summary>Nodes that run a daemon pod but are not eligible.</summary>
    public int NumberMisscheduled { get; init; }

    /// <summary>Nodes that should run the daemon pod.</summary>
    public int DesiredNumberScheduled { get; init; }

    /// <summary>Eligible nodes whose daemon pod is ready.</summary>
    public int NumberReady { get; init; }

    /// <summary>The <c>metadata.generation</c> the controller last acted on.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long ObservedGeneration { get; init; }

    /// <summary>Eligible nodes that run an updated daemon pod.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int UpdatedNumberScheduled { get; init; }

    /// <summary>Eligible nodes whose daemon pod is ready for at least <c>minReadySeconds</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int NumberAvailable { get; init; }

    /// <summary>Eligible nodes without an available daemon pod.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int NumberUnavailable { get; init; }

    /// <summary>Bumped when a new ControllerRevision's name collides; part of the revision hash.</summary>
    public int? CollisionCount { get; init; }

    /// <summary>The set's conditions, at most one per type.</summary>
    public IReadOnlyList<WorkloadCondition> Conditions { get; init; } = [];

    /// <summary>The condition of type <paramref name="type"/>, or null.</summary>
    public WorkloadCondition? GetCondition(string type) => Conditions.FirstOrDefault(c => c.Type == type);
}
