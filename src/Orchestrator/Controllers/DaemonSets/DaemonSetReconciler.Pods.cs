using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.ExceptionServices;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

// Placing, replacing and removing daemon pods.
internal sealed partial class DaemonSetReconciler
{
    /// <summary>
    /// Creates missing pods and deletes surplus, failed and misplaced ones (Kubernetes <c>manage</c> and
    /// <c>podsShouldBeOnNode</c>). Returns whether anything was written, and when a failed-pod back-off ends.
    /// </summary>
    private async Task<(bool Changed, TimeSpan? Requeue)> ManageAsync(ObjectKey key, DaemonSet set, PodSpec spec, string hash,
        IReadOnlyList<Node> nodes, IReadOnlyList<Pod> pods, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var byNode = PodsByNode(pods);
        var surge = AllowsSurge(set);
        var toDelete = new List<(Pod Pod, bool Force)>();
        var toCreate = new List<string>();
        TimeSpan? requeue = null;

        foreach (var node in nodes)
        {
            var name = node.Metadata.Name ?? "";
            var (shouldRun, shouldContinue) = DaemonSetPlacement.ShouldRun(node, spec);
            var onNode = byNode.GetValueOrDefault(name) ?? [];
            byNode.Remove(name);
            if (shouldRun && onNode.Count == 0)
            {
                toCreate.Add(name);
            }
            else if (shouldContinue)
            {
                var running = new List<Pod>();
                foreach (var pod in onNode)
                {
                    if (WorkloadPods.IsTerminating(pod)) continue;
                    if (!shouldRun && string.IsNullOrEmpty(pod.Spec.NodeName))
                    {
                        // Not bound yet, and the node no longer takes new daemon pods (a NoSchedule taint appeared): the
                        // scheduler could never place it. Kubernetes leaves such a pod pending; it is removed here.
                        toDelete.Add((pod, false));
                        continue;
                    }
                    if (pod.Status?.Phase == PodPhase.Failed)
                    {
                        if (InFailedPodBackOff(key, name, now) is { } wait)
                        {
                            requeue = PodAvailability.Earliest(requeue, wait);
                            continue;
                        }
                        _events.Warning(set, "FailedDaemonPod", $"Found failed daemon pod {pod.Metadata.Namespace}/{pod.Metadata.Name} on node {name}, will try to kill it");
                        toDelete.Add((pod, false));
                    }
                    else if (pod.Status?.Phase == PodPhase.Succeeded)
                    {
                        toDelete.Add((pod, false));
                    }
                    else
                    {
                        running.Add(pod);
                    }
                }
                toDelete.AddRange(Surplus(running, hash, surge, set.Spec.MinReadySeconds, now).Select(p => (p, false)));
            }
            else
            {
                toDelete.AddRange(onNode.Where(p => !WorkloadPods.IsTerminating(p)).Select(p => (p, false)));
            }
        }
        // What is left targets nodes that do not exist (any more): nothing can run these pods.
        foreach (var (_, orphaned) in byNode) toDelete.AddRange(orphaned.Where(p => !WorkloadPods.IsTerminating(p)).Select(p => (p, true)));

        await SyncNodesAsync(key, set, hash, toDelete, toCreate, cancellationToken).ConfigureAwait(false);
        return (toDelete.Count + toCreate.Count > 0, requeue);
    }

    /// <summary>
    /// The running pods of one node to delete: all but the oldest; or, while surging, all but the oldest new and the oldest
    /// old pod, and the old one too once the new one is available (or the old one is not ready).
    /// </summary>
    private static IEnumerable<Pod> Surplus(List<Pod> running, string hash, bool surge, int minReadySeconds, DateTimeOffset now)
    {
        if (running.Count <= 1) yield break;
        var ordered = running.OrderBy(p => p.Metadata.CreationTimestamp).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
        if (!surge)
        {
            foreach (var pod in ordered.Skip(1)) yield return pod;
            yield break;
        }
        Pod? oldestNew = null, oldestOld = null;
        foreach (var pod in ordered)
        {
            if (IsUpdated(pod, hash))
            {
                if (oldestNew is null)
                {
                    oldestNew = pod;
                    continue;
                }
            }
            else if (oldestOld is null)
            {
                oldestOld = pod;
                continue;
            }
            yield return pod;
        }
        if (oldestNew is not null && oldestOld is not null &&
            (!oldestOld.IsReady() || PodAvailability.IsAvailable(oldestNew, minReadySeconds, now)))
        {
            yield return oldestOld;
        }
    }

    /// <summary>Deletes and creates pods (Kubernetes <c>syncNodes</c>), recording each write as an expectation.</summary>
    private async Task SyncNodesAsync(ObjectKey key, DaemonSet set, string hash, IReadOnlyList<(Pod Pod, bool Force)> toDelete,
        IReadOnlyList<string> toCreate, CancellationToken cancellationToken)
    {
        foreach (var (pod, force) in toDelete)
        {
            try
            {
                await _store.DeleteAsync<Pod>(pod.Metadata.Namespace, pod.Metadata.Name!,
                    new DeleteOptions { PreconditionUid = pod.Metadata.Uid, GracePeriodSeconds = force ? 0 : null }, cancellationToken).ConfigureAwait(false);
                _expectations.Deleted(key, pod);
                _events.Normal(set, "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
            }
            catch (Exception e) when (e is NotFoundException or ConflictException)
            {
            }
        }
        if (toCreate.Count == 0) return;
        var template = PodTemplate(set, hash);
        var nodes = new ConcurrentQueue<string>(toCreate);
        var (created, error) = await SlowStart.RunAsync(nodes.Count, 1, async ct =>
        {
            nodes.TryDequeue(out var node);
            var pod = WorkloadPods.FromTemplate(template, set);
            pod = pod with { Spec = pod.Spec with { Affinity = DaemonSetPlacement.PinToNode(pod.Spec.Affinity, node!) } };
            var result = await _store.CreateAsync<Pod>(pod, ct).ConfigureAwait(false);
            _expectations.Created(key, result);
            return result;
        }, cancellationToken).ConfigureAwait(false);
        foreach (var pod in created) _events.Normal(set, "SuccessfulCreate", $"Created pod: {pod.Metadata.Name}");
        if (error is null) return;
        _events.Warning(set, "FailedCreate", $"Error creating: {error.Message}");
        ExceptionDispatchInfo.Throw(error);
    }

    /// <summary>The template of new pods: the set's, with the revision hash label and the daemon tolerations.</summary>
    private static PodTemplateSpec PodTemplate(DaemonSet set, string hash)
    {
        var template = set.Spec.Template;
        return template with
        {
            Metadata = template.Metadata with
            {
                Labels = template.Metadata.Labels.ToImmutableDictionary().SetItem(WellKnownLabels.ControllerRevisionHash, hash),
            },
            Spec = DaemonSetPlacement.WithDaemonTolerations(template.Spec),
        };
    }

    /// <summary>
    /// Null when a failed pod on the node may be deleted now (and records the attempt), else how long until it may:
    /// 1 s doubling per failure up to 15 min (Kubernetes <c>failedPodsBackoff</c>).
    /// </summary>
    private TimeSpan? InFailedPodBackOff(ObjectKey key, string node, DateTimeOffset now)
    {
        var entry = (key, node);
        if (_failedPodBackOff.TryGetValue(entry, out var previous))
        {
            var delay = FailedPodBackOffBase;
            for (var i = 1; i < previous.Failures && delay < FailedPodBackOffMax; i++) delay += delay;
            if (delay > FailedPodBackOffMax) delay = FailedPodBackOffMax;
            var until = previous.Last + delay;
            if (now < until) return until - now;
            // A long quiet period resets the back-off.
            if (now - previous.Last > 2 * FailedPodBackOffMax) previous = (0, now);
        }
        _failedPodBackOff[entry] = (previous.Failures + 1, now);
        return null;
    }

    private static bool AllowsSurge(DaemonSet set) =>
        set.Spec.UpdateStrategy is { Type: DaemonSetUpdateStrategyType.RollingUpdate, RollingUpdate: { } rolling } &&
        rolling.MaxSurge.GetScaledValue(100, roundUp: true) > 0;
}
