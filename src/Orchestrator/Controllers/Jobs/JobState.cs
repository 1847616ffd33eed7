using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// One reconcile's view of a Job: its pods, which of them finished since they were last counted, the counts they give,
/// and the status being built. Not thread-safe; used by one reconcile.
/// </summary>
internal sealed class JobState
{
    private readonly HashSet<string> _uncountedSucceeded;
    private readonly HashSet<string> _uncountedFailed;
    private readonly int _completions;
    private readonly HashSet<string> _new;

    public JobState(Job job, IReadOnlyList<Pod> pods, DateTimeOffset now)
    {
        Job = job;
        Pods = pods;
        Now = now;
        Status = job.Status ?? new JobStatus();
        _completions = job.Spec.Completions ?? 0;
        var uncounted = Status.UncountedTerminatedPods;
        _uncountedSucceeded = new HashSet<string>(uncounted?.Succeeded ?? [], StringComparer.Ordinal);
        _uncountedFailed = new HashSet<string>(uncounted?.Failed ?? [], StringComparer.Ordinal);
        var policy = job.Spec.PodFailurePolicy;
        var failIndex = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var failed = pod.Status?.Phase != PodPhase.Succeeded && IsFailed(job, pod);
            var outcome = failed && policy is not null ? JobPolicyRules.Match(policy, pod) : default;
            FailJobMessage ??= outcome.FailJobMessage;
            if (!JobReconciler.HasTrackingFinalizer(pod) || IsUncounted(pod)) continue;
            if (pod.Status?.Phase == PodPhase.Succeeded) NewSucceeded.Add(pod);
            else if (!failed) continue;
            else if (!outcome.CountsAsFailure) NewIgnored.Add(pod);
            else
            {
                NewFailed.Add(pod);
                if (outcome.Action == PodFailurePolicyAction.FailIndex) failIndex.Add(pod.Metadata.Uid!);
            }
        }
        _new = new HashSet<string>(NewSucceeded.Concat(NewFailed).Concat(NewIgnored).Select(p => p.Metadata.Uid!), StringComparer.Ordinal);
        Active = [.. pods.Where(PodAvailability.IsActive)];
        Completed = IsIndexed ? CompletionIndexes.Parse(Status.CompletedIndexes, _completions) : [];
        FailedIndexes = HasBackoffLimitPerIndex ? CompletionIndexes.Parse(Status.FailedIndexes, _completions) : [];
        if (IsIndexed)
        {
            foreach (var pod in NewSucceeded)
            {
                if (CompletionIndexes.Of(pod) is { } index && index < _completions) Completed.Add(index);
            }
        }
        if (HasBackoffLimitPerIndex)
        {
            // An index fails on a FailIndex rule, or once more of its pods failed than backoffLimitPerIndex allows.
            var limit = job.Spec.BackoffLimitPerIndex!.Value;
            foreach (var pod in NewFailed)
            {
                if (CompletionIndexes.Of(pod) is not { } index || index >= _completions || Completed.Contains(index)) continue;
                if (failIndex.Contains(pod.Metadata.Uid!) || JobPolicyRules.FailuresBefore(pod) + 1 > limit) FailedIndexes.Add(index);
            }
        }
        Succeeded = IsIndexed ? Completed.Count : Status.Succeeded + _uncountedSucceeded.Count + NewSucceeded.Count;
        Failed = Status.Failed + _uncountedFailed.Count + NewFailed.Count;
    }

    public Job Job { get; }

    /// <summary>Every pod the Job controls.</summary>
    public IReadOnlyList<Pod> Pods { get; }

    public DateTimeOffset Now { get; }

    /// <summary>The status being built; starts as the stored one.</summary>
    public JobStatus Status { get; set; }

    /// <summary>Tracked pods that succeeded and are not recorded in the status yet.</summary>
    public List<Pod> NewSucceeded { get; } = [];

    /// <summary>Tracked pods that failed (or are being deleted) and are not recorded in the status yet.</summary>
    public List<Pod> NewFailed { get; } = [];

    /// <summary>Tracked pods that failed and that the pod failure policy ignores: released without being counted.</summary>
    public List<Pod> NewIgnored { get; } = [];

    /// <summary>The message of the first failed pod that matches a <c>FailJob</c> rule of the pod failure policy, or null.</summary>
    public string? FailJobMessage { get; }

    /// <summary>
    /// The indexes of an Indexed Job with <c>backoffLimitPerIndex</c> that failed for good (recorded ones and those of pods
    /// that just failed); they are not retried. Empty for other Jobs.
    /// </summary>
    public SortedSet<int> FailedIndexes { get; }

    /// <summary>An Indexed Job with a per-index backoff limit (Kubernetes <c>hasBackoffLimitPerIndex</c>).</summary>
    public bool HasBackoffLimitPerIndex => IsIndexed && Job.Spec.BackoffLimitPerIndex is not null;

    /// <summary>
    /// How many pods of <paramref name="index"/> failed so far, for the <see cref="JobPolicyRules.IndexFailureCountAnnotation"/>
    /// of its next pod: one more than the count on its latest failed pod; 0 when none failed.
    /// </summary>
    public int FailuresOf(int index)
    {
        var count = 0;
        foreach (var pod in Pods)
        {
            if (CompletionIndexes.Of(pod) == index && pod.Status?.Phase != PodPhase.Succeeded && IsFailed(Job, pod) &&
                (Job.Spec.PodFailurePolicy is not { } policy || JobPolicyRules.Match(policy, pod).CountsAsFailure))
            {
                count = Math.Max(count, JobPolicyRules.FailuresBefore(pod) + 1);
            }
        }
        return count;
    }

    /// <summary>Pods neither finished nor being deleted; kept up to date as pods are created and deleted.</summary>
    public List<Pod> Active { get; }

    /// <summary>The completed indexes of an Indexed Job, including those of pods that just succeeded.</summary>
    public SortedSet<int> Completed { get; }

    public bool IsIndexed => Job.Spec.CompletionMode == JobCompletionMode.Indexed;

    /// <summary>Succeeded pods (completed indexes for an Indexed Job), counting the newly finished ones.</summary>
    public int Succeeded { get; }

    /// <summary>Failed pods, counting the newly finished ones.</summary>
    public int Failed { get; }

    /// <summary>
    /// True when the pod is counted by this reconcile (recorded before, or newly finished), so its tracking finalizer can go.
    /// </summary>
    public bool IsRecorded(Pod pod) =>
        JobReconciler.HasTrackingFinalizer(pod) && (IsUncounted(pod) || pod.Metadata.Uid is { } uid && _new.Contains(uid));

    /// <summary>
    /// The Job is done: every index completed (Indexed), <c>completions</c> pods succeeded, or, in the work-queue mode, one
    /// pod succeeded and none is running.
    /// </summary>
    public bool IsComplete() => Job.Spec.Completions is null
        ? Succeeded > 0 && Active.Count == 0
        : Succeeded >= _completions;

    /// <summary>The stored status with the newly finished pods recorded as uncounted (and their indexes as completed).</summary>
    public JobStatus RecordedStatus() => Status with
    {
        UncountedTerminatedPods = new UncountedTerminatedPods
        {
            Succeeded = [.. _uncountedSucceeded, .. NewSucceeded.Select(p => p.Metadata.Uid!)],
            Failed = [.. _uncountedFailed, .. NewFailed.Select(p => p.Metadata.Uid!)],
        },
        CompletedIndexes = IsIndexed ? CompletionIndexes.Format(Completed) : Status.CompletedIndexes,
        FailedIndexes = HasBackoffLimitPerIndex ? CompletionIndexes.Format(FailedIndexes) ?? "" : Status.FailedIndexes,
    };

    /// <summary>The status once every recorded pod has lost its finalizer: counted, with the pod counts of now.</summary>
    public JobStatus FinalStatus()
    {
        var ready = Active.Count(p => p.IsReady());
        var terminating = Pods.Count(p => p.Metadata.DeletionTimestamp is not null && !p.IsTerminal());
        return Status with
        {
            Succeeded = Succeeded,
            Failed = Failed,
            UncountedTerminatedPods = null,
            CompletedIndexes = IsIndexed ? CompletionIndexes.Format(Completed) : null,
            FailedIndexes = HasBackoffLimitPerIndex ? CompletionIndexes.Format(FailedIndexes) ?? "" : null,
            Active = Active.Count,
            Ready = ready,
            Terminating = terminating,
        };
    }

    private bool IsUncounted(Pod pod) => pod.Metadata.Uid is { } uid && (_uncountedSucceeded.Contains(uid) || _uncountedFailed.Contains(uid));

    /// <summary>
    /// Kubernetes' <c>isPodFailed</c>: a Failed pod; or, unless the Job only replaces Failed pods, one being deleted without
    /// having succeeded. With <c>podReplacementPolicy: Failed</c> a pod being deleted counts once its node agent has stopped it.
    /// </summary>
    private static bool IsFailed(Job job, Pod pod)
    {
        if (pod.Status?.Phase == PodPhase.Failed) return true;
        if (pod.Metadata.DeletionTimestamp is null || pod.Status?.Phase == PodPhase.Succeeded) return false;
        return job.Spec.PodReplacementPolicy != JobPodReplacementPolicy.Failed || pod.Metadata.DeletionGracePeriodSeconds is null or 0;
    }
}
