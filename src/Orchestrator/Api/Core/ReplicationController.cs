using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>
/// Keeps a number of pods from a template running (Kubernetes core/v1 <c>ReplicationController</c>);
/// the predecessor of ReplicaSet, with an equality-based selector.
/// </summary>
public sealed record ReplicationController : KubernetesObject<ReplicationControllerSpec, ReplicationControllerStatus>
{
    /// <summary>Creates an empty <c>v1</c> ReplicationController.</summary>
    public ReplicationController() : base("v1", "ReplicationController")
    {
    }
}

/// <summary>The desired state of a replication controller (Kubernetes <c>ReplicationControllerSpec</c>).</summary>
public sealed record ReplicationControllerSpec
{
    /// <summary>The desired number of pods; defaults to 1.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>Seconds a new pod must be ready without a crash to count as available.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int MinReadySeconds { get; init; }

    /// <summary>Labels the controlled pods carry; the defaulter copies the template's labels when empty.</summary>
    public IReadOnlyDictionary<string, string> Selector { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The pods to create; its labels must match <see cref="Selector"/>.</summary>
    public PodTemplateSpec Template { get; init; } = new();
}

/// <summary>The observed state of a replication controller (Kubernetes <c>ReplicationControllerStatus</c>).</summary>
public sealed record ReplicationControllerStatus
{
    /// <summary>The number of pods the controller owns.</summary>
    public int Replicas { get; init; }

    /// <summary>Pods whose labels match the template's labels.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int FullyLabeledReplicas { get; init; }

    /// <summary>Pods that are ready.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int ReadyReplicas { get; init; }

    /// <summary>Pods ready for at least <c>minReadySeconds</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int AvailableReplicas { get; init; }

    /// <summary>The generation this status reflects.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long ObservedGeneration { get; init; }

    /// <summary>Conditions such as <c>ReplicaFailure</c>.</summary>
    public IReadOnlyList<ReplicationControllerCondition> Conditions { get; init; } = [];
}

/// <summary>A replication controller condition (Kubernetes <c>ReplicationControllerCondition</c>).</summary>
public sealed record ReplicationControllerCondition
{
    /// <summary>The condition type, for example <c>ReplicaFailure</c>.</summary>
    public string Type { get; init; } = "";

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public string Status { get; init; } = ConditionStatus.Unknown;

    /// <summary>When <see cref="Status"/> last changed.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>A CamelCase reason.</summary>
    public string? Reason { get; init; }

    /// <summary>A human-readable explanation.</summary>
    public string? Message { get; init; }
}
