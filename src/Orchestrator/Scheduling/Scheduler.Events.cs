using Orchestrator.Api;

namespace Orchestrator.Scheduling;

// How the scheduling thread applies informer changes and binding results to the cache and the queue.
internal sealed partial class Scheduler
{
    private void Apply(SchedulerEvent change)
    {
        switch (change)
        {
            case SchedulerEvent.PodChanged(var old, var pod):
                OnPodChanged(old, pod);
                break;
            case SchedulerEvent.PodDeleted(var pod):
                OnPodDeleted(pod);
                break;
            case SchedulerEvent.NodeChanged(var old, var node):
                _cache.AddOrUpdateNode(node);
                if (old is null || NodeSchedulingPropertiesChanged(old, node)) _queue.MoveUnschedulable();
                break;
            case SchedulerEvent.NodeDeleted(var node):
                _cache.RemoveNode(node.Metadata.Name ?? "");
                break;
            case SchedulerEvent.NamespaceChanged(var name, var labels):
                _cache.SetNamespace(name, labels);
                break;
            case SchedulerEvent.ClaimChanged(var key, var accessModes):
                _cache.SetClaim(key, accessModes);
                if (accessModes is null) _queue.MoveUnschedulable();
                break;
            case SchedulerEvent.BindCompleted completed:
                OnBindCompleted(completed);
                break;
            case SchedulerEvent.Tick:
                _queue.Flush();
                _metrics.SetPending(_queue.Count, _queue.UnschedulableCount);
                break;
        }
    }

    private void OnPodChanged(Pod? old, Pod pod)
    {
        var key = ObjectKey.Of(pod).ToString();
        if (!string.IsNullOrEmpty(pod.Spec.NodeName))
        {
            var wasCounted = _cache.NodeOf(key) is not null;
            _cache.AddOrUpdatePod(pod);
            _queue.Delete(key);
            if (wasCounted && _cache.NodeOf(key) is null)
            {
                _queue.MoveUnschedulable(); // it finished: its resources are free
            }
            else if (old is null || string.IsNullOrEmpty(old.Spec.NodeName) || !ReferenceEquals(old.Metadata.Labels, pod.Metadata.Labels))
            {
                _queue.MoveUnschedulable(HasRequiredPodAffinity); // a new neighbour may satisfy pending affinity
            }
            return;
        }

        // Unassigned. While its binding is in flight the pod is ours: the store has not caught up yet.
        if (_cache.IsAssumed(key)) return;
        if (_cache.NodeOf(key) is not null)
        {
            _cache.RemovePod(key);
            _queue.MoveUnschedulable();
        }
        if (pod.Metadata.DeletionTimestamp is not null || pod.IsTerminal() || !_profiles.ContainsKey(pod.Spec.SchedulerName))
        {
            _queue.Delete(key);
            return;
        }
        _queue.AddOrUpdate(pod);
    }

    private void OnPodDeleted(Pod pod)
    {
        var key = ObjectKey.Of(pod).ToString();
        _queue.Delete(key);
        if (_cache.NodeOf(key) is null) return;
        _cache.RemovePod(key);
        _queue.MoveUnschedulable();
    }

    private void OnBindCompleted(SchedulerEvent.BindCompleted completed)
    {
        _bindingsInFlight--;
        var pod = completed.Attempt.Pod;
        var key = ObjectKey.Of(pod).ToString();
        if (completed.Outcome == BindOutcome.Bound) return;
        _cache.Forget(key);
        if (completed.Error is { } error)
        {
            if (error is OperationCanceledException) return;
            SchedulerLog.BindFailed(_logger, error, key, completed.NodeName);
            _metrics.Attempted(pod.Spec.SchedulerName, SchedulerMetrics.Error, TimeSpan.Zero);
            _recorder.Warning(pod, "FailedScheduling", $"Binding rejected: {error.Message}");
            var latest = _informers.GetLister<Pod>().Get(pod.Metadata.Namespace, pod.Metadata.Name ?? "");
            if (latest is not null && string.IsNullOrEmpty(latest.Spec.NodeName) && latest.Metadata.DeletionTimestamp is null)
            {
                _queue.AddBackoff(completed.Attempt, latest);
            }
            return;
        }
        SchedulerLog.BindAbandoned(_logger, key, completed.NodeName, completed.Outcome?.ToString() ?? "unknown");
    }

    private static bool HasRequiredPodAffinity(Pod pod) =>
        pod.Spec.Affinity?.PodAffinity?.RequiredDuringSchedulingIgnoredDuringExecution.Count > 0;

    /// <summary>
    /// True when a node change may let a pending pod fit (Kubernetes' <c>nodeSchedulingPropertiesChange</c>):
    /// cordoning, allocatable resources, labels, taints or readiness. Heartbeats alone are ignored.
    /// </summary>
    internal static bool NodeSchedulingPropertiesChanged(Node old, Node node)
    {
        if (old.Spec.Unschedulable != node.Spec.Unschedulable) return true;
        if (!SameDictionary(old.Metadata.Labels, node.Metadata.Labels)) return true;
        if (!old.Spec.Taints.SequenceEqual(node.Spec.Taints)) return true;
        if (!SameDictionary(old.Status?.Allocatable, node.Status?.Allocatable)) return true;
        return old.IsReady() != node.IsReady();
    }

    private static bool SameDictionary<TValue>(IReadOnlyDictionary<string, TValue>? a, IReadOnlyDictionary<string, TValue>? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null || a.Count != b.Count) return false;
        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || !EqualityComparer<TValue>.Default.Equals(value, other)) return false;
        }
        return true;
    }
}
