namespace Orchestrator.Api;

/// <summary>Values of <see cref="DeploymentStrategy.Type"/>.</summary>
public static class DeploymentStrategyType
{
    /// <summary>Scale the new ReplicaSet up and old ones down gradually, within <c>maxSurge</c> and <c>maxUnavailable</c> (the default).</summary>
    public const string RollingUpdate = "RollingUpdate";

    /// <summary>Delete all old pods before creating new ones.</summary>
    public const string Recreate = "Recreate";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [Recreate, RollingUpdate];
}

/// <summary>Condition types of a <see cref="Deployment"/>.</summary>
public static class DeploymentConditionType
{
    /// <summary>At least <c>replicas - maxUnavailable</c> pods have been available for <c>minReadySeconds</c>.</summary>
    public const string Available = "Available";

    /// <summary>The rollout is making progress, or has completed (reason <c>NewReplicaSetAvailable</c>), or has stalled (status <c>False</c>, reason <c>ProgressDeadlineExceeded</c>).</summary>
    public const string Progressing = "Progressing";

    /// <summary>A pod could not be created or deleted.</summary>
    public const string ReplicaFailure = "ReplicaFailure";
}

/// <summary>Condition types of a <see cref="ReplicaSet"/>.</summary>
public static class ReplicaSetConditionType
{
    /// <summary>A pod could not be created (quota, admission) or deleted.</summary>
    public const string ReplicaFailure = "ReplicaFailure";
}

/// <summary>Values of <see cref="StatefulSetSpec.PodManagementPolicy"/>.</summary>
public static class PodManagementPolicy
{
    /// <summary>Create pods in increasing ordinal order, each after the previous is ready; delete in reverse (the default).</summary>
    public const string OrderedReady = "OrderedReady";

    /// <summary>Create and delete pods all at once, without waiting.</summary>
    public const string Parallel = "Parallel";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [OrderedReady, Parallel];
}

/// <summary>Values of <see cref="StatefulSetUpdateStrategy.Type"/>.</summary>
public static class StatefulSetUpdateStrategyType
{
    /// <summary>Replace pods from the highest ordinal down to the partition, one at a time (the default).</summary>
    public const string RollingUpdate = "RollingUpdate";

    /// <summary>Replace a pod with the new template only when it is deleted.</summary>
    public const string OnDelete = "OnDelete";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [RollingUpdate, OnDelete];
}

/// <summary>Values of <see cref="DaemonSetUpdateStrategy.Type"/>.</summary>
public static class DaemonSetUpdateStrategyType
{
    /// <summary>Replace daemon pods node by node, within <c>maxUnavailable</c> or <c>maxSurge</c> (the default).</summary>
    public const string RollingUpdate = "RollingUpdate";

    /// <summary>Replace a daemon pod with the new template only when it is deleted.</summary>
    public const string OnDelete = "OnDelete";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [RollingUpdate, OnDelete];
}

/// <summary>Values of <see cref="StatefulSetPersistentVolumeClaimRetentionPolicy"/>'s fields.</summary>
public static class PersistentVolumeClaimRetentionPolicyType
{
    /// <summary>Keep the claims (the default).</summary>
    public const string Retain = "Retain";

    /// <summary>Delete the claims.</summary>
    public const string Delete = "Delete";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [Retain, Delete];
}
