using System.Globalization;
using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// Which pods a ReplicaSet deletes first when it scales down (Kubernetes <c>controller.ActivePodsWithRanks</c>), most
/// expendable first:
/// <list type="number">
/// <item>unscheduled before scheduled;</item>
/// <item>Pending before Unknown before Running;</item>
/// <item>not ready before ready;</item>
/// <item>lower <c>controller.kubernetes.io/pod-deletion-cost</c> first;</item>
/// <item>pods sharing their node with more related pods (of the same owner, or of sibling ReplicaSets of one Deployment) first;</item>
/// <item>of two ready pods, the one ready for less time first;</item>
/// <item>more container restarts first;</item>
/// <item>newer pods first.</item>
/// </list>
/// Kubernetes' <c>LogarithmicScaleDown</c> bucketing of step 6 (which breaks ties randomly) is not applied: the order is
/// deterministic, by exact ready time.
/// </summary>
internal static class ScaleDownRanking
{
    /// <summary>The annotation whose integer value makes a pod cheaper (lower) or dearer to delete.</summary>
    public const string DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

    /// <summary>
    /// The <paramref name="count"/> pods of <paramref name="pods"/> to delete. <paramref name="related"/> are the pods whose
    /// co-location counts for the rank (including <paramref name="pods"/> themselves).
    /// </summary>
    public static List<Pod> PodsToDelete(IReadOnlyList<Pod> pods, IEnumerable<Pod> related, int count)
    {
        if (count >= pods.Count) return [.. pods];
        var perNode = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pod in related)
        {
            if (!PodAvailability.IsActive(pod) || string.IsNullOrEmpty(pod.Spec.NodeName)) continue;
            perNode[pod.Spec.NodeName] = perNode.GetValueOrDefault(pod.Spec.NodeName) + 1;
        }
        var ranked = pods
            .Select(p => new Ranked(p, string.IsNullOrEmpty(p.Spec.NodeName) ? 0 : perNode.GetValueOrDefault(p.Spec.NodeName)))
            .ToList();
        ranked.Sort(Compare);
        return [.. ranked.Take(count).Select(r => r.Pod)];
    }

    /// <summary>Negative when <paramref name="a"/> should be deleted before <paramref name="b"/>.</summary>
    internal static int Compare(Ranked a, Ranked b)
    {
        var (p1, p2) = (a.Pod, b.Pod);
        var assigned1 = !string.IsNullOrEmpty(p1.Spec.NodeName);
        var assigned2 = !string.IsNullOrEmpty(p2.Spec.NodeName);
        if (assigned1 != assigned2) return assigned1 ? 1 : -1;

        var phase = PhaseOrdinal(p1).CompareTo(PhaseOrdinal(p2));
        if (phase != 0) return phase;

        var ready1 = p1.IsReady();
        var ready2 = p2.IsReady();
        if (ready1 != ready2) return ready1 ? 1 : -1;

        var cost = DeletionCost(p1).CompareTo(DeletionCost(p2));
        if (cost != 0) return cost;

        if (a.Rank != b.Rank) return b.Rank.CompareTo(a.Rank);

        if (ready1 && ready2)
        {
            var since = LaterFirst(PodAvailability.ReadySince(p1), PodAvailability.ReadySince(p2));
            if (since != 0) return since;
        }

        var restarts = MaxRestarts(p2).CompareTo(MaxRestarts(p1));
        if (restarts != 0) return restarts;

        return LaterFirst(p1.Metadata.CreationTimestamp, p2.Metadata.CreationTimestamp);
    }

    /// <summary>Orders a later time first; a missing time counts as earliest-to-delete, as Kubernetes' <c>afterOrZero</c>.</summary>
    private static int LaterFirst(DateTimeOffset? t1, DateTimeOffset? t2)
    {
        if (t1 == t2) return 0;
        if (t1 is null || t2 is null) return t1 is null ? -1 : 1;
        return t2.Value.CompareTo(t1.Value);
    }

    /// <summary>Pending (and any phase Kubernetes does not rank) 0, Unknown 1, Running 2.</summary>
    private static int PhaseOrdinal(Pod pod) => pod.Status?.Phase switch
    {
        PodPhase.Unknown => 1,
        PodPhase.Running => 2,
        _ => 0,
    };

    private static int DeletionCost(Pod pod) =>
        pod.Metadata.Annotations.TryGetValue(DeletionCostAnnotation, out var text) &&
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var cost)
            ? cost
            : 0;

    private static int MaxRestarts(Pod pod)
    {
        var max = 0;
        foreach (var status in pod.Status?.ContainerStatuses ?? []) max = Math.Max(max, status.RestartCount);
        return max;
    }

    /// <summary>A pod with the number of related active pods on its node.</summary>
    internal readonly record struct Ranked(Pod Pod, int Rank);
}
