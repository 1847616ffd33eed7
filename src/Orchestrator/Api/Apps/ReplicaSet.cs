using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>
/// Keeps a number of identical pods running (Kubernetes apps/v1 <c>ReplicaSet</c>). Usually owned and
/// scaled by a <see cref="Deployment"/> rather than created directly.
/// </summary>
public sealed record ReplicaSet : KubernetesObject<ReplicaSetSpec, ReplicaSetStatus>
{
    /// <summary>Creates an empty <c>apps/v1</c> ReplicaSet.</summary>
    public ReplicaSet() : base("apps/v1", "ReplicaSet")
    {
    }
}

/// <summary>The desired state of a <see cref="ReplicaSet"/> (Kubernetes <c>ReplicaSetSpec</c>).</summary>
public sealed record ReplicaSetSpec
{
    /// <summary>The number of desired pods; defaults to 1.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>Seconds a new pod must be ready, without any container crashing, to count as available; default 0.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int MinReadySeconds { get; init; }

    /// <summary>Selects the pods the ReplicaSet counts. Required, must not be empty and must match <see cref="Template"/>'s labels.</summary>
    public LabelSelector? Selector { get; init; }

    /// <summary>The pods to create when fewer than <see cref="Replicas"/> match. The only allowed <c>restartPolicy</c> is <c>Always</c>.</summary>
    public PodTemplateSpec Template { get; init; } = new();
}

/// <summary>The observed state of a <see cref="ReplicaSet"/> (Kubernetes <c>ReplicaSetStatus</c>).</summary>
public sealed record ReplicaSetStatus
{
    /// <summary>Non-terminating pods the ReplicaSet currently owns.</summary>
    public int Replicas { get; init; }

    /// <summary>Non-terminating pods whose labels match the template's labels.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int FullyLabeledReplicas { get; init; }

    /// <summary>Non-terminating pods with a <c>Ready</c> condition.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int ReadyReplicas { get; init; }

    /// <summary>Non-terminating pods ready for at least <c>minReadySeconds</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int AvailableReplicas { get; init; }

    /// <summary>Pods with a deletion timestamp, when the controller reports them.</summary>
    public int? TerminatingReplicas { get; init; }

    /// <summary>The <c>metadata.generation</c> the controller last acted on.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long ObservedGeneration { get; init; }

    /// <summary>The ReplicaSet's conditions (only <c>ReplicaFailure</c> is defined), at most one per type.</summary>
    public IReadOnlyList<WorkloadCondition> Conditions { get; init; } = [];

    /// <summary>The condition of type <paramref name="type"/>, or null.</summary>
    public WorkloadCondition? GetCondition(string type) => Conditions.FirstOrDefault(c => c.Type == type);
}
