using Orchestrator.Api;

namespace Orchestrator.Client;

/// <summary>
/// When an object counts as ready or complete, per kind, with the reason when it does not (kubectl's
/// <c>rollout status</c> viewers and <c>wait --for=condition</c>). Pure functions of one object.
/// </summary>
internal static class Readiness
{
    /// <summary>Whether <paramref name="obj"/> (null: it does not exist) is ready.</summary>
    public static WaitState Ready(KubernetesObject? obj) => obj switch
    {
        null => WaitState.Pending("it does not exist"),
        { Metadata.DeletionTimestamp: not null } => WaitState.Failed("it is being deleted"),
        Pod pod => PodReady(pod),
        Deployment d => DeploymentReady(d),
        ReplicaSet rs => ReplicasReady(rs.Metadata.Generation, rs.Status?.ObservedGeneration ?? 0, rs.Spec.Replicas,
            rs.Status?.Replicas ?? 0, rs.Status?.ReadyReplicas ?? 0, rs.Status?.AvailableReplicas ?? 0),
        ReplicationController rc => ReplicasReady(rc.Metadata.Generation, rc.Status?.ObservedGeneration ?? 0, rc.Spec.Replicas,
            rc.Status?.Replicas ?? 0, rc.Status?.ReadyReplicas ?? 0, rc.Status?.AvailableReplicas ?? 0),
        StatefulSet sts => StatefulSetReady(sts),
        DaemonSet ds => DaemonSetReady(ds),
        Job job => JobReady(job),
        Node node => node.IsReady() ? WaitState.Satisfied : WaitState.Pending($"its Ready condition is {Condition(node)}"),
        Namespace ns => ns.Status?.Phase is null or NamespacePhase.Active ? WaitState.Satisfied : WaitState.Pending($"it is {ns.Status.Phase}"),
        PersistentVolumeClaim pvc => pvc.IsBound() ? WaitState.Satisfied : WaitState.Pending($"it is {pvc.Status?.Phase ?? "Pending"}"),
        _ => WaitState.Satisfied,
    };

    /// <summary>Whether <paramref name="obj"/> (a Pod or a Job; null: it does not exist) has completed successfully.</summary>
    /// <exception cref="NotSupportedException">The kind does not complete.</exception>
    public static WaitState Completed(KubernetesObject? obj) => obj switch
    {
        null => WaitState.Pending("it does not exist"),
        Pod pod => pod.Status?.Phase switch
        {
            PodPhase.Succeeded => WaitState.Satisfied,
            PodPhase.Failed => WaitState.Failed($"it failed{Suffix(pod.Status.Reason, pod.Status.Message)}: {PodSummary.Containers(pod)}"),
            _ when pod.Metadata.DeletionTimestamp is not null => WaitState.Failed("it is being deleted"),
            _ => WaitState.Pending(PodSummary.Why(pod)),
        },
        Job job => JobCompleted(job),
        _ => throw new NotSupportedException($"{obj.Kind} does not complete; wait for Pods or Jobs to complete, or use WaitForConditionAsync."),
    };

    private static WaitState PodReady(Pod pod) => pod.Status?.Phase switch
    {
        PodPhase.Failed => WaitState.Failed($"it failed{Suffix(pod.Status.Reason, pod.Status.Message)}: {PodSummary.Containers(pod)}"),
        PodPhase.Succeeded => WaitState.Failed($"it completed (phase Succeeded) and will never be Ready: {PodSummary.Containers(pod)}"),
        _ when pod.IsReady() => WaitState.Satisfied,
        _ => WaitState.Pending(PodSummary.Why(pod)),
    };

    private static WaitState DeploymentReady(Deployment d)
    {
        var status = d.Status;
        var paused = d.Spec.Paused ? " (the rollout is paused)" : "";
        if (status is null || d.Metadata.Generation > status.ObservedGeneration)
        {
            return WaitState.Pending($"the controller has not observed generation {d.Metadata.Generation} yet{paused}");
        }
        if (status.GetCondition(DeploymentConditionType.Progressing) is { Reason: "ProgressDeadlineExceeded" } progressing)
        {
            return WaitState.Failed($"it exceeded its progress deadline: {progressing.Message}");
        }
        var desired = d.Spec.Replicas;
        if (status.UpdatedReplicas < desired)
        {
            return WaitState.Pending($"{status.UpdatedReplicas} of {desired} new replicas have been updated{paused}");
        }
        if (status.Replicas > status.UpdatedReplicas)
        {
            return WaitState.Pending($"{status.Replicas - status.UpdatedReplicas} old replicas are pending termination{paused}");
        }
        return status.AvailableReplicas < status.UpdatedReplicas
            ? WaitState.Pending($"{status.AvailableReplicas} of {status.UpdatedReplicas} updated replicas are available{paused}")
            : WaitState.Satisfied;
    }

    private static WaitState ReplicasReady(long generation, long observed, int desired, int replicas, int ready, int available)
    {
        if (generation > observed) return WaitState.Pending($"the controller has not observed generation {generation} yet");
        if (replicas != desired) return WaitState.Pending($"{replicas} replicas exist, {desired} desired");
        if (ready < desired) return WaitState.Pending($"{ready} of {desired} replicas are ready");
        return available < desired ? WaitState.Pending($"{available} of {desired} replicas are available") : WaitState.Satisfied;
    }

    private static WaitState StatefulSetReady(StatefulSet sts)
    {
        var status = sts.Status;
        if (status is null || status.ObservedGeneration == 0 || sts.Metadata.Generation > status.ObservedGeneration)
        {
            return WaitState.Pending("the controller has not observed the latest spec yet");
        }
        var desired = sts.Spec.Replicas;
        if (status.ReadyReplicas < desired) return WaitState.Pending($"{status.ReadyReplicas} of {desired} pods are ready");
        if (sts.Spec.UpdateStrategy.Type != StatefulSetUpdateStrategyType.RollingUpdate) return WaitState.Satisfied;
        var partition = sts.Spec.UpdateStrategy.RollingUpdate?.Partition ?? 0;
        if (partition > 0)
        {
            var expected = Math.Max(0, desired - partition);
            return status.UpdatedReplicas < expected
                ? WaitState.Pending($"partitioned roll out: {status.UpdatedReplicas} of {expected} new pods have been updated")
                : WaitState.Satisfied;
        }
        return status.UpdateRevision is { } update && status.CurrentRevision != update
            ? WaitState.Pending($"rolling update: {status.UpdatedReplicas} of {desired} pods are at revision {update}")
            : WaitState.Satisfied;
    }

    private static WaitState DaemonSetReady(DaemonSet ds)
    {
        var status = ds.Status;
        if (status is null || ds.Metadata.Generation > status.ObservedGeneration)
        {
            return WaitState.Pending("the controller has not observed the latest spec yet");
        }
        if (status.UpdatedNumberScheduled < status.DesiredNumberScheduled)
        {
            return WaitState.Pending($"{status.UpdatedNumberScheduled} of {status.DesiredNumberScheduled} new pods have been updated");
        }
        return status.NumberAvailable < status.DesiredNumberScheduled
            ? WaitState.Pending($"{status.NumberAvailable} of {status.DesiredNumberScheduled} updated pods are available")
            : WaitState.Satisfied;
    }

    /// <summary>A Job is ready once it completed, or while it runs with every active pod ready.</summary>
    private static WaitState JobReady(Job job)
    {
        if (JobFailure(job) is { } failure) return WaitState.Failed(failure);
        if (job.Status?.IsConditionTrue(JobConditionType.Complete) == true) return WaitState.Satisfied;
        if (job.IsSuspended()) return WaitState.Pending("it is suspended");
        var active = job.Status?.Active ?? 0;
        var ready = job.Status?.Ready ?? 0;
        return active > 0 && ready >= active ? WaitState.Satisfied : WaitState.Pending($"{ready} of {active} active pods are ready");
    }

    private static WaitState JobCompleted(Job job)
    {
        if (JobFailure(job) is { } failure) return WaitState.Failed(failure);
        var status = job.Status;
        if (status?.IsConditionTrue(JobConditionType.Complete) == true) return WaitState.Satisfied;
        if (job.Metadata.DeletionTimestamp is not null) return WaitState.Failed("it is being deleted");
        if (job.IsSuspended()) return WaitState.Pending("it is suspended");
        var completions = job.Spec.Completions is { } c ? $" of {c}" : "";
        return WaitState.Pending($"{status?.Succeeded ?? 0}{completions} pods succeeded, {status?.Active ?? 0} active, {status?.Failed ?? 0} failed");
    }

    private static string? JobFailure(Job job)
    {
        var status = job.Status;
        if (status is null) return null;
        var failed = status.GetCondition(JobConditionType.Failed) is { Status: ConditionStatus.True } f ? f
            : status.GetCondition(JobConditionType.FailureTarget) is { Status: ConditionStatus.True } t ? t : null;
        return failed is null ? null : $"it failed{Suffix(failed.Reason, failed.Message)} ({status.Failed} pods failed)";
    }

    private static string Condition(Node node) =>
        node.Status?.GetCondition(NodeConditionType.Ready) is { } ready ? $"{ready.Status}{Suffix(ready.Reason, ready.Message)}" : "not reported";

    /// <summary><c> (Reason: message)</c>, or what of it is set, or empty.</summary>
    internal static string Suffix(string? reason, string? message) => (reason, message) switch
    {
        ({ Length: > 0 }, { Length: > 0 }) => $" ({reason}: {message})",
        ({ Length: > 0 }, _) => $" ({reason})",
        (_, { Length: > 0 }) => $" ({message})",
        _ => "",
    };
}
