using System.Globalization;
using Orchestrator.Api;

namespace Orchestrator.Client;

/// <summary>One-line explanations of a pod's state, for wait messages.</summary>
internal static class PodSummary
{
    /// <summary>Why the pod is not ready, in one line: unscheduled, a container waiting (and why), not ready, ...</summary>
    public static string Why(Pod pod)
    {
        var status = pod.Status;
        if (string.IsNullOrEmpty(pod.Spec.NodeName))
        {
            var scheduled = status?.GetCondition(PodConditionType.PodScheduled);
            return scheduled is { Status: ConditionStatus.False }
                ? $"it is not scheduled{Readiness.Suffix(scheduled.Reason, scheduled.Message)}"
                : "it is not scheduled yet";
        }
        if (status is null) return $"the node agent of {pod.Spec.NodeName} has not reported its status yet";
        foreach (var (container, init) in Statuses(pod))
        {
            if (init && container.State.Terminated is { ExitCode: 0 }) continue;
            if (container.State.Waiting is { } waiting)
            {
                return $"{Name(container, init)} is waiting{Readiness.Suffix(waiting.Reason, waiting.Message)}{LastExit(container)}";
            }
            if (container.State.Terminated is { } terminated)
            {
                return $"{Name(container, init)} terminated with exit code {terminated.ExitCode}{Readiness.Suffix(terminated.Reason, terminated.Message)}";
            }
            if (!init && container.State.Running is not null && !container.Ready)
            {
                return $"{Name(container, init)} is running but not ready{LastExit(container)}";
            }
        }
        var ready = status.GetCondition(PodConditionType.Ready);
        return $"phase {status.Phase ?? "Pending"}, Ready={ready?.Status ?? "Unknown"}{Readiness.Suffix(ready?.Reason, ready?.Message)}";
    }

    /// <summary>How the pod's containers ended or stand, for a pod that exited.</summary>
    public static string Containers(Pod pod)
    {
        var parts = Statuses(pod)
            .Select(s => s.Status.State.Terminated is { } t
                ? $"{Name(s.Status, s.Init)} exited with code {t.ExitCode}{Readiness.Suffix(t.Reason, t.Message)}"
                : s.Status.State.Waiting is { } w
                    ? $"{Name(s.Status, s.Init)} is waiting{Readiness.Suffix(w.Reason, w.Message)}{LastExit(s.Status)}"
                    : $"{Name(s.Status, s.Init)} is running")
            .ToList();
        return parts.Count == 0 ? "no container status was reported" : string.Join("; ", parts);
    }

    /// <summary>Init containers, then app containers, each with whether it is an init container.</summary>
    public static IEnumerable<(ContainerStatus Status, bool Init)> Statuses(Pod pod) =>
        (pod.Status?.InitContainerStatuses ?? []).Select(s => (s, true))
            .Concat((pod.Status?.ContainerStatuses ?? []).Select(s => (s, false)));

    /// <summary><c>; last exit code 1 (Error)</c> when the container terminated before, else empty.</summary>
    public static string LastExit(ContainerStatus status) => status.LastState?.Terminated is { } last
        ? $"; restarted {status.RestartCount.ToString(CultureInfo.InvariantCulture)} times, last exit code {last.ExitCode}{Readiness.Suffix(last.Reason, null)}"
        : "";

    private static string Name(ContainerStatus status, bool init) => init ? $"init container {status.Name}" : $"container {status.Name}";
}
