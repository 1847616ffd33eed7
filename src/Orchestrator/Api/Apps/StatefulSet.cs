using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>
/// Pods with stable identities (Kubernetes apps/v1 <c>StatefulSet</c>): pod <c>web-0</c>, <c>web-1</c>, ... each
/// with its own PersistentVolumeClaims from <see cref="StatefulSetSpec.VolumeClaimTemplates"/>, created,
/// updated and removed in ordinal order unless <see cref="StatefulSetSpec.PodManagementPolicy"/> is <c>Parallel</c>.
/// </summary>
public sealed record StatefulSet : KubernetesObject<StatefulSetSpec, StatefulSetStatus>
{
    /// <summary>Creates an empty <c>apps/v1</c> StatefulSet.</summary>
    public StatefulSet() : base("apps/v1", "StatefulSet")
    {
    }
}

/// <summary>The desired state of a <see cref="StatefulSet"/> (Kubernetes <c>StatefulSetSpec</c>).</summary>
public sealed record StatefulSetSpec
{
    /// <summary>The number of desired pods; defaults to 1.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>Selects the pods the set owns. Required, must not be empty and must match <see cref="Template"/>'s labels.</summary>
    public LabelSelector? Selector { get; init; }

    /// <summary>The pods to create; pod <c>i</c> is named <c>&lt;set&gt;-&lt;i&gt;</c>. The only allowed <c>restartPolicy</c> is <c>Always</c>.</summary>
    public PodTemplateSpec Template { get; init; } = new();

    /// <summary>
    /// Claims each pod gets: pod <c>web-0</c> and template <c>data</c> give claim <c>data-web-0</c>, mounted
    /// where the pod template has a volume mount named <c>data</c>.
    /// </summary>
    public IReadOnlyList<PersistentVolumeClaim> VolumeClaimTemplates { get; init; } = [];

    /// <summary>The headless service that gives pods their DNS names (<c>&lt;pod&gt;.&lt;serviceName&gt;</c>).</summary>
    public string? ServiceName { get; init; }

    /// <summary><c>OrderedReady</c> (the default) or <c>Parallel</c>; see <see cref="Api.PodManagementPolicy"/>.</summary>
    public string PodManagementPolicy { get; init; } = Api.PodManagementPolicy.OrderedReady;

    /// <summary>How pods are replaced when the template changes; <c>RollingUpdate</c> with partition 0 by default.</summary>
    public StatefulSetUpdateStrategy UpdateStrategy { get; init; } = new();

    /// <summary>How many ControllerRevisions not in use to keep; defaults to 10.</summary>
    public int RevisionHistoryLimit { get; init; } = 10;

    /// <summary>Seconds a new pod must be ready, without any container crashing, to count as available; default 0.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int MinReadySeconds { get; init; }

    /// <summary>Whether claims from <see cref="VolumeClaimTemplates"/> are deleted with the set or on scale-down; both <c>Retain</c> by default.</summary>
    public StatefulSetPersistentVolumeClaimRetentionPolicy PersistentVolumeClaimRetentionPolicy { get; init; } = new();

    /// <summary>The first ordinal; pods are numbered from 0 when absent.</summary>
    public StatefulSetOrdinals? Ordinals { get; init; }

    /// <summary>The ordinal of the first pod: <see cref="Ordinals"/>' start, or 0.</summary>
    [JsonIgnore]
    public int StartOrdinal => Ordinals?.Start ?? 0;
}

/// <summary>How a <see cref="StatefulSet"/> replaces pods when its template changes (Kubernetes <c>StatefulSetUpdateStrategy</c>).</summary>
public sealed record StatefulSetUpdateStrategy
{
    /// <summary><c>RollingUpdate</c> (the default) or <c>OnDelete</c>; see <see cref="StatefulSetUpdateStrategyType"/>.</summary>
    public string Type { get; init; } = StatefulSetUpdateStrategyType.RollingUpdate;

    /// <summary>Rolling update parameters; the defaulter sets partition 0 for <c>RollingUpdate</c>. Must be absent for <c>OnDelete</c>.</summary>
    public RollingUpdateStatefulSetStrategy? RollingUpdate { get; init; }
}

/// <summary>Parameters of a StatefulSet rolling update (Kubernetes <c>RollingUpdateStatefulSetStrategy</c>).</summary>
public sealed record RollingUpdateStatefulSetStrategy
{
    /// <summary>Only pods with an ordinal at or above the partition are updated; the rest keep the old revision. Default 0.</summary>
    public int Partition { get; init; }

    /// <summary>The most pods that may be unavailable during the update, a count or a percentage rounded up; 1 when unset.</summary>
    public IntOrString? MaxUnavailable { get; init; }
}

/// <summary>What happens to a <see cref="StatefulSet"/>'s claims (Kubernetes <c>StatefulSetPersistentVolumeClaimRetentionPolicy</c>).</summary>
public sealed record StatefulSetPersistentVolumeClaimRetentionPolicy
{
    /// <summary><c>Retain</c> (the default) or <c>Delete</c> the claims when the set is deleted.</summary>
    public string WhenDeleted { get; init; } = PersistentVolumeClaimRetentionPolicyType.Retain;

    /// <summary><c>Retain</c> (the default) or <c>Delete</c> the claims of pods removed by a scale-down.</summary>
    public string WhenScaled { get; init; } = PersistentVolumeClaimRetentionPolicyType.Retain;
}

/// <summary>The numbering of a <see cref="StatefulSet"/>'s pods (Kubernetes <c>StatefulSetOrdinals</c>).</summary>
public sealed record StatefulSetOrdinals
{
    /// <summary>The ordinal of the first pod; pods are <c>[start, start + replicas)</c>.</summary>
    public int Start { get; init; }
}

/// <summary>The observed state of a <see cref="StatefulSet"/> (Kubernetes <c>StatefulSetStatus</c>).</summary>
public sealed record StatefulSetStatus
{
    /// <summary>The <c>metadata.generation</c> the controller last acted on.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long ObservedGeneration { get; init; }

    /// <summary>Pods the controller has created and that still exist.</summary>
    public int Replicas { get; init; }

    /// <summary>Pods with a <c>Ready</c> condition.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int ReadyReplicas { get; init; }

    /// <summary>Pods at <see cref="CurrentRevision"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int CurrentReplicas { get; init; }

    /// <summary>Pods at <see cref="UpdateRevision"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int UpdatedReplicas { get; init; }

    /// <summary>The ControllerRevision name of the pods in <c>[0, currentReplicas)</c>.</summary>
    public string? CurrentRevision { get; init; }

    /// <summary>The ControllerRevision name of the current template.</summary>
    public string? UpdateRevision { get; init; }

    /// <summary>Bumped when a new ControllerRevision's name collides; part of the revision hash.</summary>
    public int? CollisionCount { get; init; }

    /// <summary>The set's conditions, at most one per type.</summary>
    public IReadOnlyList<WorkloadCondition> Conditions { get; init; } = [];

    /// <summary>Pods ready for at least <c>minReadySeconds</c>.</summary>
    public int AvailableReplicas { get; init; }

    /// <summary>The condition of type <paramref name="type"/>, or null.</summary>
    public WorkloadCondition? GetCondition(string type) => Conditions.FirstOrDefault(c => c.Type == type);
}
