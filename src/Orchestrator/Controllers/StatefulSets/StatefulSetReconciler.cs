using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Selectors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// Keeps a StatefulSet's pods <c>&lt;set&gt;-&lt;start&gt;</c> … <c>&lt;set&gt;-&lt;start+replicas-1&gt;</c> running with
/// their claims (Kubernetes <c>stateful_set_control.go</c>).
/// </summary>
/// <remarks>
/// <para>Each call claims the set's pods (adopting orphans whose name and labels fit, releasing pods that stopped
/// matching), makes sure a ControllerRevision exists for the current template, and then, as Kubernetes does:</para>
/// <list type="number">
/// <item>walks the ordinals in range in increasing order: a Failed or Succeeded pod is deleted and recreated; a missing
/// pod gets its claims (<c>&lt;template&gt;-&lt;set&gt;-&lt;ordinal&gt;</c>, created once and kept) and is created from the
/// current revision (ordinals below the partition) or the update revision. With <c>OrderedReady</c> the walk stops at the
/// first pod that is missing, terminating, or not Running and Ready (and available for <c>minReadySeconds</c>), so pod
/// n+1 is created only once pod n is ready; with <c>Parallel</c> it goes on.</item>
/// <item>deletes pods whose ordinal is out of range, highest first; with <c>OrderedReady</c> one at a time, each only once
/// it has terminated and every lower pod is healthy.</item>
/// <item>with <c>RollingUpdate</c>, deletes the highest pod at or above the partition that is not at the update revision,
/// one at a time, waiting for each replacement to be Running and Ready (in both pod management policies). With
/// <c>OnDelete</c> pods are only replaced when something else deletes them.</item>
/// </list>
/// <para>Claims follow <c>persistentVolumeClaimRetentionPolicy</c> through owner references, so that the garbage collector
/// deletes them: <c>whenDeleted: Delete</c> makes the set an owner of its claims, <c>whenScaled: Delete</c> makes a pod
/// removed by a scale-down the owner of its claims just before it is deleted. <c>maxUnavailable</c> of the rolling update
/// (an alpha feature of Kubernetes) is not applied: pods are updated one at a time.</para>
/// <para>Status counts the pods: replicas, ready, available, current and updated, with the current and update revision,
/// which become equal once every pod is updated and ready.</para>
/// </remarks>
internal sealed partial class StatefulSetReconciler : IReconciler
{
    /// <summary>The controller name, in logs, metrics and as the component of its events.</summary>
    public const string Name = "statefulset-controller";

    private readonly IObjectStore _store;
    private readonly ILister<StatefulSet> _sets;
    private readonly ILister<Pod> _pods;
    private readonly ILister<PersistentVolumeClaim> _claims;
    private readonly RevisionHistory _history;
    private readonly IEventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public StatefulSetReconciler(IObjectStore store, SharedInformerFactory informers, IEventRecorderFactory events, TimeProvider time, ILogger logger)
    {
        _store = store;
        _sets = informers.GetLister<StatefulSet>();
        _pods = ControllerRefs.ClaimableLister<Pod>(informers);
        _claims = informers.GetLister<PersistentVolumeClaim>();
        _history = new RevisionHistory(store, informers.GetLister<ControllerRevision>());
        _events = events.CreateRecorder(Name);
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var set = _sets.Get(key);
        if (set is null) return ReconcileResult.Done;
        var selector = OwnerSelectors.Parse(set, set.Spec.Selector);

        var (owned, orphans) = ControllerRefs.Candidates(_pods, set);
        var pods = await new ControllerRefManager<Pod>(_store, set, selector)
            .ClaimAsync(owned, orphans, p => StatefulSetPods.IsMemberOf(set, p), cancellationToken).ConfigureAwait(false);

        var revisions = _history.Owned(set);
        var (update, collisionCount) = await _history.EnsureAsync(set, set.Spec.Template, revisions, set.Status?.CollisionCount, cancellationToken)
            .ConfigureAwait(false);
        var current = revisions.FirstOrDefault(r => r.Metadata.Name == set.Status?.CurrentRevision) ?? update;

        var state = new SetState(set, current, update, pods, _time.GetUtcNow());
        if (set.Metadata.DeletionTimestamp is null) await SyncPodsAsync(state, cancellationToken).ConfigureAwait(false);

        var status = ComputeStatus(state, collisionCount);
        await WriteStatusAsync(set, status, cancellationToken).ConfigureAwait(false);

        var live = new HashSet<string>(state.AllPods().Select(StatefulSetPods.RevisionOf).OfType<string>(), StringComparer.Ordinal)
        {
            current.Metadata.Name!,
            update.Metadata.Name!,
        };
        await _history.TruncateAsync(_history.Owned(set), live, set.Spec.RevisionHistoryLimit, cancellationToken).ConfigureAwait(false);

        TimeSpan? wait = null;
        foreach (var pod in state.AllPods()) wait = PodAvailability.Earliest(wait, PodAvailability.UntilAvailable(pod, set.Spec.MinReadySeconds, state.Now));
        return wait is { } delay ? ReconcileResult.After(delay) : ReconcileResult.Done;
    }

    /// <summary>The status the set's pods give (Kubernetes <c>computeReplicaStatus</c> and <c>completeRollingUpdate</c>).</summary>
    private static StatefulSetStatus ComputeStatus(SetState state, int? collisionCount)
    {
        var set = state.Set;
        int replicas = 0, ready = 0, available = 0, current = 0, updated = 0;
        foreach (var pod in state.AllPods())
        {
            replicas++;
            if (WorkloadPods.IsRunningAndReady(pod))
            {
                ready++;
                if (PodAvailability.IsAvailable(pod, set.Spec.MinReadySeconds, state.Now)) available++;
            }
            if (WorkloadPods.IsTerminating(pod)) continue;
            var revision = StatefulSetPods.RevisionOf(pod);
            if (revision == state.Current.Metadata.Name) current++;
            if (revision == state.Update.Metadata.Name) updated++;
        }
        var status = (set.Status ?? new StatefulSetStatus()) with
        {
            ObservedGeneration = set.Metadata.Generation,
            Replicas = replicas,
            ReadyReplicas = ready,
            AvailableReplicas = available,
            CurrentReplicas = current,
            UpdatedReplicas = updated,
            CurrentRevision = state.Current.Metadata.Name,
            UpdateRevision = state.Update.Metadata.Name,
            CollisionCount = collisionCount,
        };
        if (set.Spec.UpdateStrategy.Type == StatefulSetUpdateStrategyType.RollingUpdate && updated == replicas && ready == replicas)
        {
            status = status with { CurrentReplicas = updated, CurrentRevision = status.UpdateRevision };
        }
        return status;
    }

    private async Task WriteStatusAsync(StatefulSet set, StatefulSetStatus status, CancellationToken cancellationToken)
    {
        if (set.Status is { } existing && KubernetesJson.ContentEquals(existing, status)) return;
        try
        {
            await _store.UpdateStatusWithRetryAsync<StatefulSet>(set.Metadata.Namespace, set.Metadata.Name!, current =>
                current.Metadata.Uid != set.Metadata.Uid || (current.Status is { } s && KubernetesJson.ContentEquals(s, status))
                    ? null
                    : current with { Status = status },
                cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            // Deleted meanwhile: nothing to report.
        }
    }

    /// <summary>One reconcile's view of the set: its revisions and its pods by ordinal, updated as pods are created and deleted.</summary>
    private sealed class SetState
    {
        public SetState(StatefulSet set, ControllerRevision current, ControllerRevision update, IReadOnlyList<Pod> pods, DateTimeOffset now)
        {
            Set = set;
            Current = current;
            Update = update;
            Now = now;
            Replicas = new Pod?[Math.Max(0, set.Spec.Replicas)];
            foreach (var pod in pods)
            {
                var ordinal = StatefulSetPods.OrdinalOf(set, pod);
                if (StatefulSetPods.InRange(set, ordinal)) Replicas[ordinal - set.Spec.StartOrdinal] = pod;
                else Condemned.Add(pod);
            }
            Condemned.Sort((a, b) => StatefulSetPods.OrdinalOf(set, a).CompareTo(StatefulSetPods.OrdinalOf(set, b)));
        }

        public StatefulSet Set { get; }

        public ControllerRevision Current { get; }

        public ControllerRevision Update { get; }

        public DateTimeOffset Now { get; }

        /// <summary>Pods in range by <c>ordinal - start</c>; null where none exists.</summary>
        public Pod?[] Replicas { get; }

        /// <summary>Pods out of range, by increasing ordinal.</summary>
        public List<Pod> Condemned { get; } = [];

        public IEnumerable<Pod> AllPods() => Replicas.OfType<Pod>().Concat(Condemned);
    }
}
