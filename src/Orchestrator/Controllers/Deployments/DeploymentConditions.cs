using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>Condition list helpers of Kubernetes' <c>deploymentutil</c> (NewDeploymentCondition, SetDeploymentCondition, …).</summary>
internal static class DeploymentConditions
{
    /// <summary>A condition stamped <paramref name="now"/> as both its update and transition time.</summary>
    public static DeploymentCondition New(string type, string status, string reason, string message, DateTimeOffset now) => new()
    {
        Type = type,
        Status = status,
        Reason = reason,
        Message = message,
        LastUpdateTime = now,
        LastTransitionTime = now,
    };

    /// <summary>The condition of <paramref name="type"/>, or null.</summary>
    public static DeploymentCondition? Get(DeploymentStatus? status, string type) => status?.GetCondition(type);

    /// <summary>
    /// Sets <paramref name="condition"/> in <paramref name="status"/> (Kubernetes <c>SetDeploymentCondition</c>): no change
    /// when a condition of that type already has the same status and reason; otherwise it replaces that condition,
    /// keeping its <c>lastTransitionTime</c> when the status is unchanged.
    /// </summary>
    public static DeploymentStatus Set(DeploymentStatus status, DeploymentCondition condition)
    {
        var current = status.GetCondition(condition.Type);
        if (current is not null && current.Status == condition.Status && current.Reason == condition.Reason) return status;
        if (current is not null && current.Status == condition.Status) condition = condition with { LastTransitionTime = current.LastTransitionTime };
        return status with { Conditions = [.. status.Conditions.Where(c => c.Type != condition.Type), condition] };
    }

    /// <summary>Removes the condition of <paramref name="type"/>.</summary>
    public static DeploymentStatus Remove(DeploymentStatus status, string type) =>
        status.GetCondition(type) is null ? status : status with { Conditions = [.. status.Conditions.Where(c => c.Type != type)] };

    /// <summary>True when both statuses have the same counters and conditions.</summary>
    public static bool StatusEquals(DeploymentStatus? a, DeploymentStatus? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return false;
        return a.ObservedGeneration == b.ObservedGeneration && a.Replicas == b.Replicas && a.UpdatedReplicas == b.UpdatedReplicas &&
               a.ReadyReplicas == b.ReadyReplicas && a.AvailableReplicas == b.AvailableReplicas &&
               a.UnavailableReplicas == b.UnavailableReplicas && a.TerminatingReplicas == b.TerminatingReplicas &&
               a.CollisionCount == b.CollisionCount && a.Conditions.SequenceEqual(b.Conditions);
    }
}
