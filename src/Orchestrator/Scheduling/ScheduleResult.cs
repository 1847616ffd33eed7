namespace Orchestrator.Scheduling;

/// <summary>The outcome of one scheduling cycle for one pod.</summary>
/// <param name="NodeName">The chosen node, or null when no node fits.</param>
/// <param name="EvaluatedNodes">How many nodes were filtered.</param>
/// <param name="FeasibleNodes">How many of them passed every filter.</param>
/// <param name="Message">
/// When no node fits, Kubernetes' explanation, for example
/// <c>0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu.</c>
/// </param>
internal sealed record ScheduleResult(string? NodeName, int EvaluatedNodes, int FeasibleNodes, string? Message)
{
    /// <summary>Kubernetes' message when the cluster has no nodes at all.</summary>
    public const string NoNodesAvailable = "no nodes available to schedule pods";

    /// <summary>True when a node was chosen.</summary>
    public bool IsScheduled => NodeName is not null;

    /// <summary>
    /// Kubernetes' <c>FitError</c> message: <c>0/N nodes are available: </c> followed by each reason prefixed with the
    /// number of nodes that gave it, sorted as strings and comma-separated, then a period.
    /// </summary>
    public static string FormatUnschedulable(int totalNodes, IReadOnlyDictionary<string, int> reasonCounts)
    {
        var parts = new List<string>(reasonCounts.Count);
        foreach (var (reason, count) in reasonCounts) parts.Add($"{count} {reason}");
        parts.Sort(StringComparer.Ordinal);
        var message = $"0/{totalNodes} nodes are available:";
        return parts.Count == 0 ? message : $"{message} {string.Join(", ", parts)}.";
    }
}
