using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>Sets Job conditions as Kubernetes does: one per type, the transition time kept while the status is unchanged.</summary>
internal static class JobConditions
{
    /// <summary>The conditions with the one of <paramref name="type"/> set (or added) with the given status, reason and message.</summary>
    public static IReadOnlyList<JobCondition> Set(IReadOnlyList<JobCondition> conditions, string type, string status, string reason, string message, DateTimeOffset now)
    {
        var existing = conditions.FirstOrDefault(c => c.Type == type);
        var condition = new JobCondition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            LastProbeTime = now,
            LastTransitionTime = existing is not null && existing.Status == status ? existing.LastTransitionTime : now,
        };
        return existing is null ? [.. conditions, condition] : [.. conditions.Select(c => c.Type == type ? condition : c)];
    }
}
