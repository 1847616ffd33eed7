using Orchestrator.Api;

namespace Orchestrator.Controllers;

// The RollingUpdate strategy (Kubernetes daemon/update.go rollingUpdate).
internal sealed partial class DaemonSetReconciler
{
    /// <summary>
    /// Replaces out-of-date pods. Without surge, deletes old pods while fewer than <c>maxUnavailable</c> nodes lack an
    /// available pod (unavailable old pods are replaced regardless); the next call creates their replacements. With surge,
    /// creates a new pod next to an old one on up to <c>maxSurge</c> nodes (at once where the old pod is unavailable), and
    /// deletes each old pod once its new neighbour is available.
    /// </summary>
    private async Task RollingUpdateAsync(ObjectKey key, DaemonSet set, PodSpec spec, string hash, IReadOnlyList<Node> nodes, IReadOnlyList<Pod> pods,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var byNode = PodsByNode(pods);
        byNode.Remove("");
        var nodesByName = nodes.ToDictionary(n => n.Metadata.Name ?? "", StringComparer.Ordinal);
        var desired = nodes.Count(n => DaemonSetPlacement.ShouldRun(n, spec).ShouldRun);
        var rolling = set.Spec.UpdateStrategy.RollingUpdate ?? new RollingUpdateDaemonSet();
        var maxUnavailable = rolling.MaxUnavailable.GetScaledValue(desired, roundUp: true);
        var maxSurge = rolling.MaxSurge.GetScaledValue(desired, roundUp: true);
        if (maxUnavailable == 0 && maxSurge == 0) maxUnavailable = 1;
        bool Available(Pod pod) => PodAvailability.IsAvailable(pod, set.Spec.MinReadySeconds, now);
        bool ShouldRunOn(string node) => nodesByName.TryGetValue(node, out var n) && DaemonSetPlacement.ShouldRun(n, spec).ShouldRun;

        if (maxSurge == 0)
        {
            var unavailable = 0;
            var replacements = new List<Pod>();
            var candidates = new List<Pod>();
            foreach (var (_, onNode) in byNode.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                if (!FindUpdated(onNode, hash, out var newPod, out var oldPod))
                {
                    unavailable++;
                    continue;
                }
                if (oldPod is null && newPod is null || oldPod is not null && newPod is not null)
                {
                    unavailable++;
                }
                else if (newPod is not null)
                {
                    if (!Available(newPod)) unavailable++;
                }
                else if (!Available(oldPod!))
                {
                    replacements.Add(oldPod!);
                }
                else if (unavailable < maxUnavailable)
                {
                    candidates.Add(oldPod!);
                }
            }
            var budget = Math.Clamp(maxUnavailable - unavailable, 0, candidates.Count);
            var toDelete = replacements.Concat(candidates.Take(budget)).Select(p => (p, false)).ToList();
            await SyncNodesAsync(key, set, hash, toDelete, [], cancellationToken).ConfigureAwait(false);
            return;
        }

        var oldToDelete = new List<Pod>();
        var shouldNotRun = new List<Pod>();
        var candidateNodes = new List<string>();
        var allowedNodes = new List<string>();
        int surging = 0, available = 0;
        foreach (var (node, onNode) in byNode.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!FindUpdated(onNode, hash, out var newPod, out var oldPod))
            {
                surging++;
                continue;
            }
            if (oldPod is not null ? Available(oldPod) : newPod is not null && Available(newPod)) available++;
            if (oldPod is null) continue;
            if (newPod is null)
            {
                if (!Available(oldPod))
                {
                    if (!ShouldRunOn(node)) oldToDelete.Add(oldPod);
                    else allowedNodes.Add(node);
                }
                else if (!ShouldRunOn(node))
                {
                    shouldNotRun.Add(oldPod);
                }
                else if (surging < maxSurge)
                {
                    candidateNodes.Add(node);
                }
                continue;
            }
            if (!Available(newPod)) surging++;
            else oldToDelete.Add(oldPod);
        }
        // Old pods on nodes that should not run one go only while enough pods elsewhere are available.
        var deletable = Math.Min(available - desired, shouldNotRun.Count);
        if (deletable > 0) oldToDelete.AddRange(shouldNotRun.Take(deletable));
        var remaining = Math.Clamp(maxSurge - surging, 0, candidateNodes.Count);
        var create = allowedNodes.Concat(candidateNodes.Take(remaining)).ToList();
        await SyncNodesAsync(key, set, hash, [.. oldToDelete.Select(p => (p, false))], create, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The updated and the out-of-date pod of one node, ignoring terminating ones (Kubernetes <c>findUpdatedPodsOnNode</c>);
    /// false when there are two of either kind (the manage loop cleans that up first).
    /// </summary>
    private static bool FindUpdated(List<Pod> onNode, string hash, out Pod? newPod, out Pod? oldPod)
    {
        newPod = oldPod = null;
        foreach (var pod in onNode)
        {
            if (WorkloadPods.IsTerminating(pod)) continue;
            if (IsUpdated(pod, hash))
            {
                if (newPod is not null) return false;
                newPod = pod;
            }
            else
            {
                if (oldPod is not null) return false;
                oldPod = pod;
            }
        }
        return true;
    }
}
