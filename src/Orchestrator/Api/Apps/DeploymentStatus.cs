using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>The observed state of a <see cref="Deployment"/> (Kubernetes <c>DeploymentStatus</c>), written by its controller.</summary>
public sealed record DeploymentStatus
{
    /// <summary>The <c>metadata.generation</c> the controller last acted on; status is current when it equals the generation.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long ObservedGeneration { get; init; }

    /// <summary>Non-terminating pods selected by the deployment, across all its ReplicaSets.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Replicas { get; init; }

    /// <summary>Non-terminating pods that run the current template.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int UpdatedReplicas { get; init; }

    /// <summary>Non-terminating pods with a <c>Ready</c> condition.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int ReadyReplicas { get; init; }

    /// <summary>Non-terminating pods ready for at least <c>minReadySeconds</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int AvailableReplicas { get; init; }

    /// <summary>Pods still needed for full availability: <c>replicas - availableReplicas</c>, never negative.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int UnavailableReplicas { get; init; }

    /// <summary>Pods with a deletion timestamp, when the controller reports them.</summary>
    public int? TerminatingReplicas { get; init; }

    /// <summary>The <c>Available</c>, <c>Progressing</c> and <c>ReplicaFailure</c> conditions, at most one per type.</summary>
    public IReadOnlyList<DeploymentCondition> Conditions { get; init; } = [];

    /// <summary>Bumped by the controller when a new ReplicaSet's name collides; part of the pod-template-hash.</summary>
    public int? CollisionCount { get; init; }

    /// <summary>The condition of type <paramref name="type"/> (see <see cref="DeploymentConditionType"/>), or null.</summary>
    public DeploymentCondition? GetCondition(string type) => Conditions.FirstOrDefault(c => c.Type == type);
}

/// <summary>One condition of a <see cref="Deployment"/> (Kubernetes <c>DeploymentCondition</c>).</summary>
public sealed record DeploymentCondition
{
    /// <summary><c>Available</c>, <c>Progressing</c> or <c>ReplicaFailure</c>; see <see cref="DeploymentConditionType"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>; see <see cref="ConditionStatus"/>.</summary>
    public string Status { get; init; } = ConditionStatus.Unknown;

    /// <summary>When the controller last wrote this condition (also when only the reason or message changed).</summary>
    public DateTimeOffset? LastUpdateTime { get; init; }

    /// <summary>When <see cref="Status"/> last changed.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>A CamelCase reason, for example <c>NewReplicaSetAvailable</c> or <c>ProgressDeadlineExceeded</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>A human-readable explanation.</summary>
    public string? Message { get; init; }
}
