using Orchestrator.Api;

namespace Orchestrator.Scheduling.Plugins;

/// <summary>
/// Spreads the pods of one controller (ReplicaSet, ReplicationController, StatefulSet, Job, ...) across nodes and zones
/// (Kubernetes' legacy <c>SelectorSpread</c>). Pods belong together when they have the same controller owner reference;
/// a node scores higher the fewer such pods (in the pod's namespace, not being deleted) it runs, and when nodes carry
/// <c>topology.kubernetes.io/zone</c> labels the zone's count weighs two thirds. Pods without a controller are not scored.
/// </summary>
internal sealed class SelectorSpread : IPreScorePlugin, IScorePlugin
{
    private const double ZoneWeighting = 2.0 / 3.0;

    /// <inheritdoc/>
    public string Name => SchedulerPlugins.SelectorSpread;

    /// <inheritdoc/>
    public bool PreScore(SchedulingContext context, PodInfo pod, IReadOnlyList<NodeInfo> feasibleNodes) => pod.ControllerUid is not null;

    /// <inheritdoc/>
    public long Score(SchedulingContext context, PodInfo pod, NodeInfo node) => CountSiblings(pod, node);

    /// <inheritdoc/>
    public void NormalizeScores(SchedulingContext context, PodInfo pod, IReadOnlyList<NodeInfo> nodes, Span<long> scores)
    {
        if (pod.ControllerUid is not null) Normalize(scores, nodes);
    }

    /// <summary>The number of pods on <paramref name="node"/> that share <paramref name="pod"/>'s controller.</summary>
    public static long CountSiblings(PodInfo pod, NodeInfo node)
    {
        if (pod.ControllerUid is null) return 0;
        long count = 0;
        foreach (var existing in node.Pods)
        {
            if (existing.ControllerUid == pod.ControllerUid && existing.Namespace == pod.Namespace &&
                existing.Pod.Metadata.DeletionTimestamp is null)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>
    /// Turns sibling counts into scores: <c>100 * (max - count) / max</c> per node, blended one third to two thirds with
    /// the same formula over zones when <paramref name="nodes"/> (in score order) carry zone labels.
    /// </summary>
    public static void Normalize(Span<long> scores, IReadOnlyList<NodeInfo> nodes)
    {
        long maxByNode = 0;
        foreach (var score in scores) maxByNode = Math.Max(maxByNode, score);

        Dictionary<string, long>? byZone = null;
        if (nodes.Count == scores.Length)
        {
            for (var i = 0; i < scores.Length; i++)
            {
                var zone = ZoneKey(nodes[i].Node);
                if (zone is null) continue;
                byZone ??= [];
                byZone[zone] = byZone.GetValueOrDefault(zone) + scores[i];
            }
        }
        long maxByZone = 0;
        if (byZone is not null)
        {
            foreach (var count in byZone.Values) maxByZone = Math.Max(maxByZone, count);
        }

        for (var i = 0; i < scores.Length; i++)
        {
            double score = IScorePlugin.MaxNodeScore;
            if (maxByNode > 0) score = IScorePlugin.MaxNodeScore * ((double)(maxByNode - scores[i]) / maxByNode);
            if (byZone is not null && ZoneKey(nodes[i].Node) is { } zone)
            {
                double zoneScore = IScorePlugin.MaxNodeScore;
                if (maxByZone > 0) zoneScore = IScorePlugin.MaxNodeScore * ((double)(maxByZone - byZone[zone]) / maxByZone);
                score = score * (1.0 - ZoneWeighting) + ZoneWeighting * zoneScore;
            }
            scores[i] = (long)score;
        }
    }

    private static string? ZoneKey(Node node)
    {
        var labels = node.Metadata.Labels;
        labels.TryGetValue(WellKnownLabels.Region, out var region);
        labels.TryGetValue(WellKnownLabels.Zone, out var zone);
        if (string.IsNullOrEmpty(region) && string.IsNullOrEmpty(zone)) return null;
        return region + ":\x00:" + zone;
    }
}
