using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// The state one reconcile of a Deployment works on: the Deployment and its claimed ReplicaSets as last read or written,
/// the time, and the pods of each ReplicaSet counted from the pod informer.
/// </summary>
/// <remarks>
/// Pod counts come from the pods rather than from the ReplicaSets' statuses (which Kubernetes uses), so that a rollout
/// reacts to a pod becoming available without waiting for its ReplicaSet's status write, and so that decisions never
/// rest on a stale status: availability used for scaling down is capped by each ReplicaSet's <c>spec.replicas</c>
/// (<see cref="CappedAvailable"/>), which is what remains once its controller has deleted the surplus, and the pods
/// counted against <c>maxSurge</c> include a ReplicaSet's surplus pods still running (<see cref="Occupied"/>).
/// </remarks>
internal sealed class DeploymentSyncContext(Deployment deployment, List<ReplicaSet> replicaSets, ILister<Pod> pods, DateTimeOffset now)
{
    private readonly Dictionary<string, PodCounts> _counts = new(StringComparer.Ordinal);

    /// <summary>The Deployment, replaced by the result of each write.</summary>
    public Deployment Deployment { get; set; } = deployment;

    /// <summary>The ReplicaSets the Deployment controls, each replaced by the result of each write to it.</summary>
    public List<ReplicaSet> ReplicaSets { get; } = replicaSets;

    /// <summary>The time of this reconcile.</summary>
    public DateTimeOffset Now { get; } = now;

    /// <summary>The earliest time a ready pod counted so far becomes available (<c>minReadySeconds</c>), as a delay.</summary>
    public TimeSpan? NextAvailableIn { get; private set; }

    /// <summary>When to look at the Deployment again for its progress deadline, as a delay; null when not needed.</summary>
    public TimeSpan? Recheck { get; private set; }

    /// <summary>The uid of the ReplicaSet of the current template, once found or created; null when there is none.</summary>
    public string? NewReplicaSetUid { get; set; }

    /// <summary>The ReplicaSet of the current template (its latest state), or null.</summary>
    public ReplicaSet? NewReplicaSet => NewReplicaSetUid is null ? null : ReplicaSets.Find(rs => rs.Metadata.Uid == NewReplicaSetUid);

    /// <summary>Every other ReplicaSet (their latest states).</summary>
    public List<ReplicaSet> OldReplicaSets => [.. ReplicaSets.Where(rs => rs.Metadata.Uid != NewReplicaSetUid)];

    /// <summary>Asks for another reconcile after <paramref name="delay"/> (the earliest request wins).</summary>
    public void RecheckAfter(TimeSpan delay) => Recheck = PodAvailability.Earliest(Recheck, delay);

    /// <summary>Forgets a deleted ReplicaSet.</summary>
    public void Remove(ReplicaSet rs) => ReplicaSets.RemoveAll(r => r.Metadata.Uid == rs.Metadata.Uid);

    /// <summary>The pods of <paramref name="rs"/>, counted once per reconcile.</summary>
    public PodCounts Counts(ReplicaSet? rs)
    {
        if (rs?.Metadata.Uid is not { } uid) return default;
        if (_counts.TryGetValue(uid, out var counts)) return counts;
        var minReadySeconds = Deployment.Spec.MinReadySeconds;
        int active = 0, ready = 0, available = 0, running = 0;
        foreach (var pod in pods.ByIndex(IndexNames.OwnerUid, uid))
        {
            if (!ControllerRefs.IsControlledBy(pod, uid) || pod.IsTerminal()) continue;
            running++;
            if (pod.Metadata.DeletionTimestamp is not null) continue;
            active++;
            if (!pod.IsReady()) continue;
            ready++;
            if (PodAvailability.IsAvailable(pod, minReadySeconds, Now)) available++;
            else NextAvailableIn = PodAvailability.Earliest(NextAvailableIn, PodAvailability.UntilAvailable(pod, minReadySeconds, Now));
        }
        counts = new PodCounts(active, ready, available, running);
        _counts[uid] = counts;
        return counts;
    }

    /// <summary>Available pods of <paramref name="rs"/> that survive its scale-down: at most <c>spec.replicas</c>.</summary>
    public int CappedAvailable(ReplicaSet? rs) => rs is null ? 0 : Math.Min(rs.Spec.Replicas, Counts(rs).Available);

    /// <summary>Pods <paramref name="rs"/> has or is about to have: the larger of <c>spec.replicas</c> and its active pods.</summary>
    public int Occupied(ReplicaSet? rs) => rs is null ? 0 : Math.Max(rs.Spec.Replicas, Counts(rs).Active);

    /// <summary>Replaces the ReplicaSet with the same uid by <paramref name="updated"/>.</summary>
    public ReplicaSet Replace(ReplicaSet updated)
    {
        var index = ReplicaSets.FindIndex(rs => rs.Metadata.Uid == updated.Metadata.Uid);
        if (index >= 0) ReplicaSets[index] = updated;
        else ReplicaSets.Add(updated);
        return updated;
    }
}

/// <summary>The pods of one ReplicaSet.</summary>
/// <param name="Active">Not being deleted and not finished: the pods that count as replicas.</param>
/// <param name="Ready">Active pods whose <c>Ready</c> condition is <c>True</c>.</param>
/// <param name="Available">Ready pods ready for at least the Deployment's <c>minReadySeconds</c>.</param>
/// <param name="NotFinished">Pods not yet Succeeded or Failed, including those being deleted (Recreate waits for them).</param>
internal readonly record struct PodCounts(int Active, int Ready, int Available, int NotFinished);
