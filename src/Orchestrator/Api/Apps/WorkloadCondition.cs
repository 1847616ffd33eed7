namespace Orchestrator.Api;

/// <summary>
/// One condition of a ReplicaSet, StatefulSet or DaemonSet (Kubernetes <c>ReplicaSetCondition</c>,
/// <c>StatefulSetCondition</c> and <c>DaemonSetCondition</c>, which have the same shape).
/// </summary>
public sealed record WorkloadCondition
{
    /// <summary>The condition type, for example <c>ReplicaFailure</c>; see <see cref="ReplicaSetConditionType"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>; see <see cref="ConditionStatus"/>.</summary>
    public string Status { get; init; } = ConditionStatus.Unknown;

    /// <summary>When <see cref="Status"/> last changed.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>A CamelCase reason, for example <c>FailedCreate</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>A human-readable explanation.</summary>
    public string? Message { get; init; }
}
