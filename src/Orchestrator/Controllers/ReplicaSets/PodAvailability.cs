using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// Readiness and availability of pods as the workload controllers count them (Kubernetes <c>podutil.IsPodAvailable</c>
/// and <c>controller.FilterActivePods</c>).
/// </summary>
internal static class PodAvailability
{
    /// <summary>A pod counts as a replica while it is not being deleted and has not reached Succeeded or Failed.</summary>
    public static bool IsActive(Pod pod) => pod.Metadata.DeletionTimestamp is null && !pod.IsTerminal();

    /// <summary>When the pod's <c>Ready</c> condition last became <c>True</c>; null when the pod is not ready.</summary>
    public static DateTimeOffset? ReadySince(Pod pod)
    {
        var ready = pod.Status?.GetCondition(PodConditionType.Ready);
        return ready?.Status == ConditionStatus.True ? ready.LastTransitionTime ?? DateTimeOffset.MinValue : null;
    }

    /// <summary>
    /// True when the pod has been ready for at least <paramref name="minReadySeconds"/> at <paramref name="now"/>. Unlike
    /// Kubernetes (strictly after), a pod is available at exactly the end of the period, so that a requeue timed for that
    /// instant finds it available.
    /// </summary>
    public static bool IsAvailable(Pod pod, int minReadySeconds, DateTimeOffset now) =>
        ReadySince(pod) is { } since && (minReadySeconds <= 0 || since.AddSeconds(minReadySeconds) <= now);

    /// <summary>
    /// How long until a ready pod becomes available; null when it is not ready or already available. Controllers requeue
    /// after the smallest of these, because nothing else announces the moment.
    /// </summary>
    public static TimeSpan? UntilAvailable(Pod pod, int minReadySeconds, DateTimeOffset now)
    {
        if (minReadySeconds <= 0 || ReadySince(pod) is not { } since) return null;
        var at = since.AddSeconds(minReadySeconds);
        return at <= now ? null : at - now;
    }

    /// <summary>The earlier of two optional delays.</summary>
    public static TimeSpan? Earliest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
