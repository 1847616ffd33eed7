using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Selectors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// Runs one pod of a DaemonSet on every eligible node (Kubernetes <c>daemon_controller.go</c> and <c>update.go</c>).
/// </summary>
/// <remarks>
/// <para>Each call claims the set's pods, makes sure a ControllerRevision exists for the current template (its hash is the
/// pods' <c>controller-revision-hash</c> label), and then, node by node (see <see cref="DaemonSetPlacement.ShouldRun"/>):
/// creates the missing pod on a node that should run one; deletes the pods of a node that should not run one any more
/// (its labels changed, or it got a taint the pod does not tolerate with <c>NoExecute</c>); deletes Failed pods (with a
/// per-node back-off) and Succeeded ones so they are replaced; keeps only the oldest pod where there are several
/// (or, while surging, one old and one new). Pods of nodes that no longer exist are deleted at once.</para>
/// <para>New pods are pinned to their node with the node affinity <c>metadata.name In [node]</c> and carry the daemon
/// tolerations; the default scheduler binds them. With <c>RollingUpdate</c>, out-of-date pods are replaced while at most
/// <c>maxUnavailable</c> nodes lack an available pod, or, with <c>maxSurge</c>, a new pod starts next to the old one, which
/// is deleted once the new one is available. With <c>OnDelete</c> only pods deleted by something else are replaced.</para>
/// </remarks>
internal sealed partial class DaemonSetReconciler : IReconciler
{
    /// <summary>The controller name, in logs and metrics, and the component of its events.</summary>
    public const string Name = "daemonset-controller";

    private static readonly TimeSpan FailedPodBackOffBase = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FailedPodBackOffMax = TimeSpan.FromMinutes(15);

    private readonly IObjectStore _store;
    private readonly ILister<DaemonSet> _sets;
    private readonly ILister<Pod> _pods;
    private readonly ILister<Node> _nodes;
    private readonly RevisionHistory _history;
    private readonly DependentExpectations<Pod> _expectations = new();
    private readonly ConcurrentDictionary<(ObjectKey Set, string Node), (int Failures, DateTimeOffset Last)> _failedPodBackOff = new();
    private readonly IEventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public DaemonSetReconciler(IObjectStore store, SharedInformerFactory informers, IEventRecorderFactory events, TimeProvider time, ILogger logger)
    {
        _store = store;
        _sets = informers.GetLister<DaemonSet>();
        _pods = ControllerRefs.ClaimableLister<Pod>(informers);
        _nodes = informers.GetLister<Node>();
        _history = new RevisionHistory(store, informers.GetLister<ControllerRevision>());
        _events = events.CreateRecorder(Name);
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var set = _sets.Get(key);
        if (set is null)
        {
            _expectations.Forget(key);
            foreach (var entry in _failedPodBackOff.Keys.Where(k => k.Set == key)) _failedPodBackOff.TryRemove(entry, out _);
            return ReconcileResult.Done;
        }
        var selector = OwnerSelectors.Parse(set, set.Spec.Selector);

        // Before reading the pods: once the cache shows this controller's own writes, the pods read next include them.
        var synced = await _expectations.SatisfiedAsync(key, _pods, _store, cancellationToken).ConfigureAwait(false);
        var (owned, orphans) = ControllerRefs.Candidates(_pods, set);
        var pods = await new ControllerRefManager<Pod>(_store, set, selector).ClaimAsync(owned, orphans, static _ => true, cancellationToken)
            .ConfigureAwait(false);
        var revisions = _history.Owned(set);
        var (current, collisionCount) = await _history.EnsureAsync(set, set.Spec.Template, revisions, set.Status?.CollisionCount, cancellationToken)
            .ConfigureAwait(false);
        var hash = TemplateRevisions.HashOf(current);
        var nodes = _nodes.List();
        var spec = DaemonSetPlacement.WithDaemonTolerations(set.Spec.Template.Spec);
        var now = _time.GetUtcNow();

        TimeSpan? requeue = null;
        if (synced && set.Metadata.DeletionTimestamp is null)
        {
            var changed = false;
            (changed, requeue) = await ManageAsync(key, set, spec, hash, nodes, pods, now, cancellationToken).ConfigureAwait(false);
            if (!changed && set.Spec.UpdateStrategy.Type == DaemonSetUpdateStrategyType.RollingUpdate)
            {
                await RollingUpdateAsync(key, set, spec, hash, nodes, pods, now, cancellationToken).ConfigureAwait(false);
            }
            var live = new HashSet<string>(StringComparer.Ordinal) { current.Metadata.Name! };
            foreach (var revision in revisions)
            {
                if (pods.Any(p => p.Metadata.Labels.TryGetValue(WellKnownLabels.ControllerRevisionHash, out var h) && h == TemplateRevisions.HashOf(revision)))
                {
                    live.Add(revision.Metadata.Name!);
                }
            }
            await _history.TruncateAsync(_history.Owned(set), live, set.Spec.RevisionHistoryLimit, cancellationToken).ConfigureAwait(false);
        }

        var status = ComputeStatus(set, spec, hash, nodes, pods, now, collisionCount, observe: synced);
        await WriteStatusAsync(set, status, cancellationToken).ConfigureAwait(false);
        if (set.Spec.MinReadySeconds > 0)
        {
            foreach (var pod in pods) requeue = PodAvailability.Earliest(requeue, PodAvailability.UntilAvailable(pod, set.Spec.MinReadySeconds, now));
        }
        return requeue is { } delay ? ReconcileResult.After(delay) : ReconcileResult.Done;
    }

    /// <summary>The set's pods by the node they are for; pods for no node are under the empty string.</summary>
    private static Dictionary<string, List<Pod>> PodsByNode(IEnumerable<Pod> pods)
    {
        var byNode = new Dictionary<string, List<Pod>>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var node = DaemonSetPlacement.TargetNode(pod) ?? "";
            if (!byNode.TryGetValue(node, out var list)) byNode[node] = list = [];
            list.Add(pod);
        }
        return byNode;
    }

    /// <summary>True when the pod was created from the revision with <paramref name="hash"/> (Kubernetes <c>IsPodUpdated</c>).</summary>
    private static bool IsUpdated(Pod pod, string hash) =>
        pod.Metadata.Labels.TryGetValue(WellKnownLabels.ControllerRevisionHash, out var podHash) && podHash == hash;

    /// <summary>The status the nodes and pods give (Kubernetes <c>updateDaemonSetStatus</c>).</summary>
    private static DaemonSetStatus ComputeStatus(DaemonSet set, PodSpec spec, string hash, IReadOnlyList<Node> nodes, IReadOnlyList<Pod> pods,
        DateTimeOffset now, int? collisionCount, bool observe)
    {
        var byNode = PodsByNode(pods);
        int desired = 0, scheduled = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
        foreach (var node in nodes)
        {
            var (shouldRun, _) = DaemonSetPlacement.ShouldRun(node, spec);
            var onNode = byNode.GetValueOrDefault(node.Metadata.Name ?? "") ?? [];
            if (!shouldRun)
            {
                if (onNode.Count > 0) misscheduled++;
                continue;
            }
            desired++;
            if (onNode.Count == 0) continue;
            scheduled++;
            var oldest = onNode.OrderBy(p => p.Metadata.CreationTimestamp).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal).First();
            if (oldest.IsReady())
            {
                ready++;
                if (PodAvailability.IsAvailable(oldest, set.Spec.MinReadySeconds, now)) available++;
            }
            if (IsUpdated(oldest, hash)) updated++;
        }
        return (set.Status ?? new DaemonSetStatus()) with
        {
            DesiredNumberScheduled = desired,
            CurrentNumberScheduled = scheduled,
            NumberMisscheduled = misscheduled,
            NumberReady = ready,
            NumberAvailable = available,
            NumberUnavailable = desired - available,
            UpdatedNumberScheduled = updated,
            CollisionCount = collisionCount,
            ObservedGeneration = observe ? set.Metadata.Generation : set.Status?.ObservedGeneration ?? 0,
        };
    }

    private async Task WriteStatusAsync(DaemonSet set, DaemonSetStatus status, CancellationToken cancellationToken)
    {
        if (set.Status is { } existing && KubernetesJson.ContentEquals(existing, status)) return;
        try
        {
            await _store.UpdateStatusWithRetryAsync<DaemonSet>(set.Metadata.Namespace, set.Metadata.Name!, current =>
                current.Metadata.Uid != set.Metadata.Uid || (current.Status is { } s && KubernetesJson.ContentEquals(s, status))
                    ? null
                    : current with { Status = status },
                cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
        }
    }
}
