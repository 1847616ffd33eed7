using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// The pure decisions of the node lifecycle controller, as Kubernetes makes them: when a node's status is stale, which
/// conditions and taints follow from it, and when a pod on a <c>NoExecute</c>-tainted node is evicted.
/// </summary>
internal static class NodeLifecyclePolicy
{
    /// <summary>The reason of a condition set to Unknown because heartbeats stopped.</summary>
    public const string NodeStatusUnknown = "NodeStatusUnknown";

    /// <summary>The reason of a condition added as Unknown because the node agent never reported it.</summary>
    public const string NodeStatusNeverUpdated = "NodeStatusNeverUpdated";

    /// <summary>The message of <see cref="NodeStatusUnknown"/>.</summary>
    public const string StoppedPostingMessage = "Kubelet stopped posting node status.";

    /// <summary>The message of <see cref="NodeStatusNeverUpdated"/>.</summary>
    public const string NeverPostedMessage = "Kubelet never posted node status.";

    /// <summary>The conditions the node agent owns; all become Unknown when it stops posting.</summary>
    private static readonly string[] AgentConditions =
        [NodeConditionType.Ready, NodeConditionType.MemoryPressure, NodeConditionType.DiskPressure, NodeConditionType.PidPressure];

    /// <summary>
    /// When the node's status becomes stale: its <c>Ready</c> heartbeat plus <paramref name="monitorGrace"/>, or, for a
    /// node that never posted <c>Ready</c>, its creation plus <paramref name="startupGrace"/>. Stale from that instant on.
    /// </summary>
    public static DateTimeOffset StaleAt(Node node, TimeSpan monitorGrace, TimeSpan startupGrace)
    {
        var created = node.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue;
        if (node.Status?.GetCondition(NodeConditionType.Ready) is not { } ready) return Add(created, startupGrace);
        return Add(ready.LastHeartbeatTime ?? ready.LastTransitionTime ?? created, monitorGrace);
    }

    /// <summary>
    /// The conditions of a node whose status is stale: every agent-owned condition Unknown (added when missing, with
    /// <c>lastHeartbeatTime</c> the node's creation); null when they already are.
    /// </summary>
    public static IReadOnlyList<NodeCondition>? UnknownConditions(Node node, DateTimeOffset now)
    {
        var conditions = node.Status?.Conditions ?? [];
        var result = conditions.ToList();
        var changed = false;
        foreach (var type in AgentConditions)
        {
            var index = result.FindIndex(c => c.Type == type);
            if (index < 0)
            {
                result.Add(new NodeCondition
                {
                    Type = type,
                    Status = ConditionStatus.Unknown,
                    Reason = NodeStatusNeverUpdated,
                    Message = NeverPostedMessage,
                    LastHeartbeatTime = node.Metadata.CreationTimestamp,
                    LastTransitionTime = now,
                });
                changed = true;
            }
            else if (result[index].Status != ConditionStatus.Unknown)
            {
                result[index] = result[index] with
                {
                    Status = ConditionStatus.Unknown,
                    Reason = NodeStatusUnknown,
                    Message = StoppedPostingMessage,
                    LastTransitionTime = now,
                };
                changed = true;
            }
        }
        return changed ? result : null;
    }

    /// <summary>
    /// The node's taints with the not-ready/unreachable taints (<c>NoSchedule</c> and <c>NoExecute</c>) its <c>Ready</c>
    /// condition calls for: not-ready for False, unreachable for Unknown, neither for True. A <c>NoExecute</c> taint
    /// that stays keeps its <c>timeAdded</c>; a new one gets <paramref name="now"/>. Other taints are kept as they are.
    /// Null when nothing changes, including when the node has no <c>Ready</c> condition yet.
    /// </summary>
    public static IReadOnlyList<Taint>? Taints(Node node, DateTimeOffset now)
    {
        if (node.Status?.GetCondition(NodeConditionType.Ready) is not { } ready) return null;
        var key = ready.Status switch
        {
            ConditionStatus.True => null,
            ConditionStatus.False => WellKnownLabels.TaintNodeNotReady,
            _ => WellKnownLabels.TaintNodeUnreachable,
        };

        var current = node.Spec.Taints;
        var result = current.Where(t => !IsManaged(t)).ToList();
        if (key is not null)
        {
            result.Add(current.FirstOrDefault(t => t.Key == key && t.Effect == TaintEffect.NoSchedule)
                ?? new Taint { Key = key, Effect = TaintEffect.NoSchedule });
            result.Add(current.FirstOrDefault(t => t.Key == key && t.Effect == TaintEffect.NoExecute)
                ?? new Taint { Key = key, Effect = TaintEffect.NoExecute, TimeAdded = now });
        }
        return result.Count == current.Count && result.All(t => current.Contains(t)) ? null : result;
    }

    /// <summary>
    /// When <paramref name="pod"/> must leave a node with <paramref name="noExecuteTaints"/>: for each taint, the time it
    /// was added (long ago when unknown) plus the smallest <c>tolerationSeconds</c> of the pod's tolerations that match it
    /// (forever when none of them sets it; immediately for zero or less). A not-ready or unreachable taint the pod does not
    /// tolerate counts as tolerated for <paramref name="defaultToleration"/>, as the DefaultTolerationSeconds admission
    /// plugin does; any other taint it does not tolerate evicts it at once. The earliest of these, or null for never.
    /// </summary>
    public static DateTimeOffset? EvictionTime(Pod pod, IEnumerable<Taint> noExecuteTaints, TimeSpan defaultToleration)
    {
        DateTimeOffset? earliest = null;
        foreach (var taint in noExecuteTaints)
        {
            var added = taint.TimeAdded ?? DateTimeOffset.MinValue;
            var matched = false;
            TimeSpan? tolerated = null;
            foreach (var toleration in pod.Spec.Tolerations)
            {
                if (!toleration.Tolerates(taint)) continue;
                matched = true;
                if (toleration.TolerationSeconds is not { } seconds) continue;
                var period = seconds <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(seconds);
                if (tolerated is null || period < tolerated) tolerated = period;
            }
            if (!matched)
            {
                var defaulted = taint.Key is WellKnownLabels.TaintNodeNotReady or WellKnownLabels.TaintNodeUnreachable;
                tolerated = defaulted ? defaultToleration : TimeSpan.Zero;
            }
            if (tolerated is not { } forAtMost) continue; // tolerated forever
            var at = Add(added, forAtMost);
            if (earliest is null || at < earliest) earliest = at;
        }
        return earliest;
    }

    /// <summary>True for the taints this controller owns.</summary>
    public static bool IsManaged(Taint taint) =>
        taint.Key is WellKnownLabels.TaintNodeNotReady or WellKnownLabels.TaintNodeUnreachable &&
        taint.Effect is TaintEffect.NoSchedule or TaintEffect.NoExecute;

    private static DateTimeOffset Add(DateTimeOffset time, TimeSpan span) =>
        DateTimeOffset.MaxValue - time < span ? DateTimeOffset.MaxValue : time + span;
}
