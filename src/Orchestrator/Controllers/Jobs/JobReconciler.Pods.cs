using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.ExceptionServices;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Selectors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

// Creating, deleting and releasing a Job's pods.
internal sealed partial class JobReconciler
{
    /// <summary>True when the pod still carries the Job's tracking finalizer (it has not been counted yet).</summary>
    internal static bool HasTrackingFinalizer(Pod pod) => pod.Metadata.Finalizers.Contains(WellKnownLabels.JobTrackingFinalizer);

    /// <summary>
    /// Creates or deletes pods so that the right number runs (Kubernetes <c>manageJob</c>); returns the back-off still to
    /// wait when failed pods cannot be replaced yet.
    /// </summary>
    private async Task<TimeSpan?> ManagePodsAsync(ObjectKey key, JobState state, CancellationToken cancellationToken)
    {
        var job = state.Job;
        var parallelism = Math.Max(0, job.Spec.Parallelism ?? 1);
        // With podReplacementPolicy Failed, a pod still terminating holds its place until it has failed.
        var holding = job.Spec.PodReplacementPolicy == JobPodReplacementPolicy.Failed
            ? state.Pods.Where(p => p.Metadata.DeletionTimestamp is not null && !p.IsTerminal() && !state.IsRecorded(p)).ToList()
            : [];

        if (state.IsIndexed) return await ManageIndexedPodsAsync(key, state, parallelism, holding, cancellationToken).ConfigureAwait(false);

        int wantActive;
        if (job.Spec.Completions is not { } completions) wantActive = state.Succeeded > 0 ? state.Active.Count : parallelism;
        else wantActive = Math.Clamp(completions - state.Succeeded, 0, parallelism);

        var active = state.Active.Count + holding.Count;
        if (active > wantActive)
        {
            var excess = RemovalOrder(state.Active).Take(active - wantActive).ToList();
            await DeletePodsAsync(key, state, excess, countAsFailed: false, cancellationToken).ConfigureAwait(false);
            return null;
        }
        if (active == wantActive) return null;

        var wait = _backoff.Remaining(key, job.Metadata.Uid!, _options.PodFailureBackOff, _options.MaxPodFailureBackOff, state.Now);
        if (wait > TimeSpan.Zero)
        {
            JobLog.BackingOff(_logger, wait);
            return wait;
        }
        await CreatePodsAsync(key, state, Enumerable.Repeat<int?>(null, wantActive - active), cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>One pod per completion index that has not succeeded, at most <paramref name="parallelism"/> at once.</summary>
    private async Task<TimeSpan?> ManageIndexedPodsAsync(ObjectKey key, JobState state, int parallelism, List<Pod> holding, CancellationToken cancellationToken)
    {
        var completions = state.Job.Spec.Completions ?? 0;
        var running = new Dictionary<int, Pod>();
        var excess = new List<Pod>();
        foreach (var pod in state.Active.OrderBy(p => p.Metadata.CreationTimestamp))
        {
            // A pod without a valid index, a duplicate, or one for an index that already succeeded or failed for good, goes.
            if (CompletionIndexes.Of(pod) is not { } index || index >= completions || state.Completed.Contains(index) ||
                state.FailedIndexes.Contains(index) || !running.TryAdd(index, pod))
            {
                excess.Add(pod);
            }
        }
        var wantActive = Math.Min(parallelism, completions - state.Completed.Count - state.FailedIndexes.Count);
        var held = holding.Select(CompletionIndexes.Of).OfType<int>().ToHashSet();
        var active = running.Count + held.Count;
        if (active > wantActive) excess.AddRange(running.OrderByDescending(r => r.Key).Take(active - wantActive).Select(r => r.Value));
        if (excess.Count > 0) await DeletePodsAsync(key, state, excess, countAsFailed: false, cancellationToken).ConfigureAwait(false);
        if (active >= wantActive) return null;

        var wait = _backoff.Remaining(key, state.Job.Metadata.Uid!, _options.PodFailureBackOff, _options.MaxPodFailureBackOff, state.Now);
        if (wait > TimeSpan.Zero)
        {
            JobLog.BackingOff(_logger, wait);
            return wait;
        }
        var missing = Enumerable.Range(0, completions)
            .Where(i => !state.Completed.Contains(i) && !state.FailedIndexes.Contains(i) && !running.ContainsKey(i) && !held.Contains(i))
            .Take(wantActive - active)
            .Select(i => (int?)i);
        await CreatePodsAsync(key, state, missing, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>Pods to delete first (Kubernetes <c>ActivePodsWithRanks</c>, simplified): unscheduled, pending, not ready, newest.</summary>
    private static IEnumerable<Pod> RemovalOrder(IEnumerable<Pod> pods) => pods
        .OrderBy(p => string.IsNullOrEmpty(p.Spec.NodeName) ? 0 : 1)
        .ThenBy(p => p.Status?.Phase == PodPhase.Pending ? 0 : p.Status?.Phase == PodPhase.Running ? 2 : 1)
        .ThenBy(p => p.IsReady() ? 1 : 0)
        .ThenByDescending(p => p.Metadata.CreationTimestamp);

    /// <summary>
    /// Creates one pod per entry of <paramref name="indexes"/> (null for a NonIndexed Job) in slow-start batches (1, 2, 4,
    /// …), so a create that keeps failing is tried only a few times; throws the first failure after recording the rest.
    /// </summary>
    private async Task CreatePodsAsync(ObjectKey key, JobState state, IEnumerable<int?> indexes, CancellationToken cancellationToken)
    {
        var job = state.Job;
        var queue = new ConcurrentQueue<int?>(indexes);
        var (created, error) = await SlowStart.RunAsync(queue.Count, 1, async ct =>
        {
            queue.TryDequeue(out var index);
            var pod = NewPod(job, index);
            if (state.HasBackoffLimitPerIndex && index is { } i)
            {
                var failures = state.FailuresOf(i).ToString(CultureInfo.InvariantCulture);
                pod = pod with
                {
                    Metadata = pod.Metadata with
                    {
                        Annotations = pod.Metadata.Annotations.ToImmutableDictionary().SetItem(JobPolicyRules.IndexFailureCountAnnotation, failures),
                    },
                };
            }
            pod = await _store.CreateAsync<Pod>(pod, ct).ConfigureAwait(false);
            _expectations.Created(key, pod);
            return pod;
        }, cancellationToken).ConfigureAwait(false);
        foreach (var pod in created)
        {
            state.Active.Add(pod);
            _events.Normal(job, "SuccessfulCreate", $"Created pod: {pod.Metadata.Name}");
        }
        if (error is null) return;
        _events.Warning(job, "FailedCreate", $"Error creating: {error.Message}");
        ExceptionDispatchInfo.Throw(error);
    }

    /// <summary>
    /// A pod of the Job: from its template, with the tracking finalizer and a controller reference; for an Indexed Job also
    /// the completion index (annotation, label, hostname, <c>JOB_COMPLETION_INDEX</c>), as Kubernetes sets them.
    /// </summary>
    internal static Pod NewPod(Job job, int? index)
    {
        var name = job.Metadata.Name!;
        var pod = WorkloadPods.FromTemplate(job.Spec.Template, job, generateName: index is { } i ? $"{name}-{i.ToString(CultureInfo.InvariantCulture)}-" : $"{name}-");
        var finalizers = pod.Metadata.Finalizers.Contains(WellKnownLabels.JobTrackingFinalizer)
            ? pod.Metadata.Finalizers
            : [.. pod.Metadata.Finalizers, WellKnownLabels.JobTrackingFinalizer];
        pod = pod with { Metadata = pod.Metadata with { Finalizers = finalizers } };
        if (index is not { } completionIndex) return pod;

        var text = completionIndex.ToString(CultureInfo.InvariantCulture);
        var env = new EnvVar
        {
            Name = "JOB_COMPLETION_INDEX",
            ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = $"metadata.annotations['{WellKnownLabels.JobCompletionIndex}']" } },
        };
        Container WithIndex(Container c) => c.Env.Any(e => e.Name == env.Name) ? c : c with { Env = [.. c.Env, env] };
        return pod with
        {
            Metadata = pod.Metadata with
            {
                Annotations = pod.Metadata.Annotations.ToImmutableDictionary().SetItem(WellKnownLabels.JobCompletionIndex, text),
                Labels = pod.Metadata.Labels.ToImmutableDictionary().SetItem(WellKnownLabels.JobCompletionIndex, text),
            },
            Spec = pod.Spec with
            {
                Hostname = string.IsNullOrEmpty(pod.Spec.Hostname) ? $"{name}-{text}" : pod.Spec.Hostname,
                Containers = [.. pod.Spec.Containers.Select(WithIndex)],
                InitContainers = [.. pod.Spec.InitContainers.Select(WithIndex)],
            },
        };
    }

    /// <summary>
    /// Deletes pods. Unless <paramref name="countAsFailed"/>, their tracking finalizer is removed first, so they are not
    /// counted as failures (pods stopped by a suspension, or no longer needed).
    /// </summary>
    private async Task DeletePodsAsync(ObjectKey key, JobState state, IReadOnlyList<Pod> pods, bool countAsFailed, CancellationToken cancellationToken)
    {
        foreach (var pod in pods)
        {
            if (!countAsFailed) await RemoveTrackingFinalizersAsync(key, [pod], cancellationToken).ConfigureAwait(false);
            try
            {
                await _store.DeleteAsync<Pod>(pod.Metadata.Namespace, pod.Metadata.Name!, new DeleteOptions { PreconditionUid = pod.Metadata.Uid },
                    cancellationToken).ConfigureAwait(false);
                _expectations.Deleted(key, pod);
                _events.Normal(state.Job, "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
            }
            catch (Exception e) when (e is NotFoundException or ConflictException)
            {
                // Gone (or replaced) already.
            }
            state.Active.Remove(pod);
        }
    }

    /// <summary>Removes the tracking finalizer from each pod that still has it.</summary>
    private async Task RemoveTrackingFinalizersAsync(ObjectKey key, IEnumerable<Pod> pods, CancellationToken cancellationToken)
    {
        foreach (var pod in pods)
        {
            if (!HasTrackingFinalizer(pod)) continue;
            try
            {
                await _store.UpdateWithRetryAsync<Pod>(pod.Metadata.Namespace, pod.Metadata.Name!, current =>
                    current.Metadata.Uid != pod.Metadata.Uid || !HasTrackingFinalizer(current)
                        ? null
                        : current with
                        {
                            Metadata = current.Metadata with
                            {
                                Finalizers = [.. current.Metadata.Finalizers.Where(f => f != WellKnownLabels.JobTrackingFinalizer)],
                            },
                        }, cancellationToken).ConfigureAwait(false);
                _expectations.FinalizerRemoved(key, pod, WellKnownLabels.JobTrackingFinalizer);
            }
            catch (NotFoundException)
            {
            }
        }
    }

    /// <summary>
    /// Removes the tracking finalizer from pods whose Job is gone (or was replaced by another of the same name), so they
    /// are not kept forever; there is nothing left to count them in.
    /// </summary>
    private async Task ReleaseOrphanedPodsAsync(ObjectKey key, string? liveUid, CancellationToken cancellationToken)
    {
        var orphaned = _pods.ByIndex(TrackedByJob, key.ToString()).Where(p => ControllerRefs.GetControllerOf(p)?.Uid != liveUid).ToList();
        if (orphaned.Count > 0) await RemoveTrackingFinalizersAsync(key, orphaned, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the tracking finalizer from owned pods the selector no longer matches, before they are released.</summary>
    private async Task ReleaseUnselectedPodsAsync(IReadOnlyList<Pod> owned, Selector selector, CancellationToken cancellationToken)
    {
        foreach (var pod in owned)
        {
            if (!HasTrackingFinalizer(pod) || selector.Matches(pod.Metadata.Labels)) continue;
            var key = ControllerRefs.GetControllerOf(pod) is { } owner ? new ObjectKey(pod.Metadata.Namespace ?? "", owner.Name) : ObjectKey.Of(pod);
            await RemoveTrackingFinalizersAsync(key, [pod], cancellationToken).ConfigureAwait(false);
        }
    }
}
