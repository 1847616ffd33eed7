using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>The pure rules of Kubernetes' <c>deploymentutil</c> the Deployment controller and the rollout API share.</summary>
internal static class DeploymentUtil
{
    public static bool IsRollingUpdate(Deployment d) => d.Spec.Strategy.Type == DeploymentStrategyType.RollingUpdate;

    /// <summary><c>maxSurge</c> resolved against <c>spec.replicas</c> (rounded up); 0 for Recreate.</summary>
    public static int MaxSurge(Deployment d) =>
        IsRollingUpdate(d) ? (d.Spec.Strategy.RollingUpdate ?? new()).ResolveFenceposts(d.Spec.Replicas).MaxSurge : 0;

    /// <summary><c>maxUnavailable</c> resolved against <c>spec.replicas</c> (rounded down, at most replicas); 0 for Recreate.</summary>
    public static int MaxUnavailable(Deployment d) => d.Spec.MaxUnavailableReplicas();

    /// <summary>False when <c>progressDeadlineSeconds</c> is <see cref="int.MaxValue"/> (Kubernetes' "no deadline").</summary>
    public static bool HasProgressDeadline(Deployment d) => d.Spec.ProgressDeadlineSeconds != int.MaxValue;

    /// <summary>ReplicaSets with a non-zero <c>spec.replicas</c>.</summary>
    public static List<ReplicaSet> FilterActive(IEnumerable<ReplicaSet?> replicaSets) =>
        [.. replicaSets.OfType<ReplicaSet>().Where(rs => rs.Spec.Replicas > 0)];

    /// <summary>The sum of <c>spec.replicas</c>.</summary>
    public static int SpecReplicas(IEnumerable<ReplicaSet?> replicaSets) => replicaSets.OfType<ReplicaSet>().Sum(rs => rs.Spec.Replicas);

    /// <summary>Oldest first, then by name (Kubernetes <c>ReplicaSetsByCreationTimestamp</c>).</summary>
    public static int ByCreation(ReplicaSet a, ReplicaSet b)
    {
        var byTime = Nullable.Compare(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
    }

    /// <summary>Lowest revision first, then oldest (Kubernetes <c>ReplicaSetsByRevision</c>).</summary>
    public static int ByRevision(ReplicaSet a, ReplicaSet b)
    {
        var byRevision = DeploymentAnnotations.Revision(a).CompareTo(DeploymentAnnotations.Revision(b));
        return byRevision != 0 ? byRevision : ByCreation(a, b);
    }

    /// <summary>Largest first, newer first on ties (Kubernetes <c>ReplicaSetsBySizeNewer</c>), for scaling up.</summary>
    public static int BySizeNewer(ReplicaSet a, ReplicaSet b) =>
        a.Spec.Replicas != b.Spec.Replicas ? b.Spec.Replicas.CompareTo(a.Spec.Replicas) : ByCreation(b, a);

    /// <summary>Largest first, older first on ties (Kubernetes <c>ReplicaSetsBySizeOlder</c>), for scaling down.</summary>
    public static int BySizeOlder(ReplicaSet a, ReplicaSet b) =>
        a.Spec.Replicas != b.Spec.Replicas ? b.Spec.Replicas.CompareTo(a.Spec.Replicas) : ByCreation(a, b);

    /// <summary>The oldest ReplicaSet whose template equals the Deployment's (ignoring the hash label), or null.</summary>
    public static ReplicaSet? FindNewReplicaSet(Deployment d, IEnumerable<ReplicaSet> replicaSets)
    {
        var sorted = replicaSets.ToList();
        sorted.Sort(ByCreation);
        return sorted.FirstOrDefault(rs => PodTemplateHash.EqualIgnoringHash(rs.Spec.Template, d.Spec.Template));
    }

    /// <summary>
    /// The ReplicaSet to put all replicas in when there is no rollout to balance (Kubernetes <c>FindActiveOrLatest</c>): the
    /// only active one, or, with none active, the new one or else the newest old one; null when several are active.
    /// </summary>
    public static ReplicaSet? FindActiveOrLatest(ReplicaSet? newRS, List<ReplicaSet> oldRSs)
    {
        if (newRS is null && oldRSs.Count == 0) return null;
        var newestFirst = oldRSs.ToList();
        newestFirst.Sort((a, b) => ByCreation(b, a));
        var active = FilterActive(newestFirst.Append(newRS));
        return active.Count switch
        {
            0 => newRS ?? newestFirst[0],
            1 => active[0],
            _ => null,
        };
    }

    /// <summary>True when every replica runs the new template and is available (Kubernetes <c>DeploymentComplete</c>).</summary>
    public static bool IsComplete(Deployment d, DeploymentStatus status) =>
        status.UpdatedReplicas == d.Spec.Replicas && status.Replicas == d.Spec.Replicas &&
        status.AvailableReplicas == d.Spec.Replicas && status.ObservedGeneration >= d.Metadata.Generation;

    /// <summary>
    /// True when <paramref name="next"/> shows progress over the Deployment's current status (Kubernetes
    /// <c>DeploymentProgressing</c>): more updated, ready or available pods, or fewer old ones.
    /// </summary>
    public static bool IsProgressing(Deployment d, DeploymentStatus next)
    {
        var current = d.Status ?? new DeploymentStatus();
        return next.UpdatedReplicas > current.UpdatedReplicas ||
               next.Replicas - next.UpdatedReplicas < current.Replicas - current.UpdatedReplicas ||
               next.ReadyReplicas > current.ReadyReplicas ||
               next.AvailableReplicas > current.AvailableReplicas;
    }

    /// <summary>
    /// True when the rollout has not progressed for <c>progressDeadlineSeconds</c> since the <c>Progressing</c> condition was
    /// last updated (Kubernetes <c>DeploymentTimedOut</c>); never for a completed rollout.
    /// </summary>
    public static bool IsTimedOut(Deployment d, DeploymentStatus status, DateTimeOffset now)
    {
        if (!HasProgressDeadline(d) || status.GetCondition(DeploymentConditionType.Progressing) is not { } condition) return false;
        if (condition.Reason == DeploymentConditionReasons.NewReplicaSetAvailable) return false;
        if (condition.Reason == DeploymentConditionReasons.ProgressDeadlineExceeded) return true;
        return condition.LastUpdateTime is { } from && from.AddSeconds(d.Spec.ProgressDeadlineSeconds) < now;
    }
}
