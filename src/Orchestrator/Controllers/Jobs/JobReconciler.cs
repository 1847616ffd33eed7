using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Selectors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// Runs a Job's pods until enough of them succeed, or the Job fails (Kubernetes <c>job_controller.go</c>, with pod
/// tracking by finalizers and the TTL-after-finished controller folded in).
/// </summary>
/// <remarks>
/// <para><b>Counting.</b> Pods are created with the <c>batch.kubernetes.io/job-tracking</c> finalizer. A pod that finished
/// (Succeeded, Failed, or being deleted without having succeeded) is first recorded in
/// <c>status.uncountedTerminatedPods</c>, then loses its finalizer, then moves into <c>status.succeeded</c> or
/// <c>status.failed</c>; so every pod is counted exactly once, even when it is deleted right after (by a user, by the
/// garbage collector, or by the node lifecycle controller).</para>
/// <para><b>Pods.</b> <c>parallelism</c> pods run at once, never more than the completions still missing; without
/// <c>completions</c> (the work-queue mode) no new pod starts once one has succeeded, and the Job completes when one
/// succeeded and none is running. <c>Indexed</c> Jobs run one pod per completion index (<c>&lt;job&gt;-&lt;index&gt;-</c>,
/// annotation and label <c>batch.kubernetes.io/job-completion-index</c>, hostname <c>&lt;job&gt;-&lt;index&gt;</c>, env
/// <c>JOB_COMPLETION_INDEX</c>) and complete when every index has succeeded. After a pod failure, replacements wait
/// <see cref="JobControllerOptions.PodFailureBackOff"/>, doubling per failure since the last success.</para>
/// <para><b>Finishing.</b> More failed pods than <c>backoffLimit</c> (or, with <c>restartPolicy: OnFailure</c>, as many
/// container restarts in running pods) fail the Job with reason <c>BackoffLimitExceeded</c>; running longer than
/// <c>activeDeadlineSeconds</c> since <c>status.startTime</c> fails it with <c>DeadlineExceeded</c>. A failed pod that
/// matches a rule of <c>podFailurePolicy</c> (by container exit code or pod condition) fails the Job at once
/// (<c>FailJob</c>, reason <c>PodFailurePolicy</c>), is not counted (<c>Ignore</c>), fails its index (<c>FailIndex</c>) or
/// counts as usual (<c>Count</c>). An Indexed Job with <c>backoffLimitPerIndex</c> retries each index that often, records
/// the indexes that failed for good in <c>status.failedIndexes</c>, and fails with <c>FailedIndexes</c> once every index
/// finished (or with <c>MaxFailedIndexesExceeded</c>). An Indexed Job whose <c>successPolicy</c> is met completes with
/// reason <c>SuccessPolicy</c>. Finishing deletes the active pods and sets <c>FailureTarget</c> or
/// <c>SuccessCriteriaMet</c> together with <c>Failed</c> or <c>Complete</c> (Kubernetes 1.31 sets the latter only once
/// the pods have terminated). A finished Job with <c>ttlSecondsAfterFinished</c> is deleted (foreground, so its pods go first)
/// that long after it finished.</para>
/// <para><b>Suspend.</b> A suspended Job deletes its active pods and gets <c>Suspended=True</c>; resuming sets it
/// <c>False</c> and restarts <c>status.startTime</c>, and so the active deadline.</para>
/// </remarks>
internal sealed partial class JobReconciler : IReconciler
{
    /// <summary>The controller name, in logs and metrics, and the component of its events.</summary>
    public const string Name = "job-controller";

    /// <summary>The <c>spec.managedBy</c> value of Jobs this controller reconciles (besides unset).</summary>
    public const string BuiltInManager = "kubernetes.io/job-controller";

    /// <summary>Index of pods carrying the tracking finalizer, by the <c>namespace/name</c> of the Job controlling them.</summary>
    private const string TrackedByJob = "jobs:tracked-by-job";

    private readonly IObjectStore _store;
    private readonly ILister<Job> _jobs;
    private readonly ILister<Pod> _pods;
    private readonly DependentExpectations<Pod> _expectations = new();
    private readonly JobBackoff _backoff = new();
    private readonly IEventRecorder _events;
    private readonly JobControllerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public JobReconciler(IObjectStore store, SharedInformerFactory informers, IEventRecorderFactory events, JobControllerOptions options,
        TimeProvider time, ILogger logger)
    {
        _store = store;
        _jobs = informers.GetLister<Job>();
        var pods = informers.GetInformer<Pod>();
        ControllerRefs.AddOrphanIndex(pods);
        pods.AddIndexer(TrackedByJob, static pod => HasTrackingFinalizer(pod) && ControllerRefs.GetControllerOf(pod) is { Kind: "Job" } owner
            ? [$"{pod.Metadata.Namespace}/{owner.Name}"]
            : []);
        _pods = pods.Lister;
        _events = events.CreateRecorder(Name);
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        // The store, not the cache: the counts in the status must include this controller's own latest write.
        var job = _jobs.Get(key) is null ? null : await _store.GetAsync<Job>(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false);
        await ReleaseOrphanedPodsAsync(key, job?.Metadata.Uid, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            _expectations.Forget(key);
            _backoff.Remove(key);
            return ReconcileResult.Done;
        }
        // A Job managed by another controller (spec.managedBy) is left to it, as Kubernetes does.
        if (job.Spec.ManagedBy is { } manager && manager != BuiltInManager) return ReconcileResult.Done;
        if (!await _expectations.SatisfiedAsync(key, _pods, _store, cancellationToken).ConfigureAwait(false)) return ReconcileResult.Done;
        var selector = OwnerSelectors.Parse(job, job.Spec.Selector);
        if (selector.IsNothing) throw new TerminalException($"Job {key} has no selector.");

        var (owned, orphans) = ControllerRefs.Candidates(_pods, job);
        await ReleaseUnselectedPodsAsync(owned, selector, cancellationToken).ConfigureAwait(false);
        var pods = await new ControllerRefManager<Pod>(_store, job, selector).ClaimAsync(owned, orphans, static _ => true, cancellationToken)
            .ConfigureAwait(false);

        var now = _time.GetUtcNow();
        var state = new JobState(job, pods, now);
        if (state.NewSucceeded.Count + state.NewFailed.Count > 0)
        {
            job = await RecordUncountedAsync(state, cancellationToken).ConfigureAwait(false);
            if (job is null) return ReconcileResult.Done;
            _backoff.Update(key, job.Metadata.Uid!, state.NewSucceeded, state.NewFailed, now);
        }

        TimeSpan? requeue = null;
        if (!job.IsFinished() && job.Metadata.DeletionTimestamp is null) requeue = await SyncAsync(key, state, cancellationToken).ConfigureAwait(false);
        else if (job.IsFinished()) await DeletePodsAsync(key, state, [.. state.Active], countAsFailed: false, cancellationToken).ConfigureAwait(false);

        // Every finished pod is recorded as uncounted now: release them, then count them.
        await RemoveTrackingFinalizersAsync(key, state.Pods.Where(state.IsRecorded), cancellationToken).ConfigureAwait(false);
        var written = await WriteStatusAsync(job, state, cancellationToken).ConfigureAwait(false);
        if (written is null) return ReconcileResult.Done;

        if (written.IsFinished()) requeue = PodAvailability.Earliest(requeue, await ExpireAsync(key, written, now, cancellationToken).ConfigureAwait(false));
        return requeue is { } delay ? ReconcileResult.After(delay) : ReconcileResult.Done;
    }

    /// <summary>Decides the Job's outcome and manages its pods; returns when to look again, if time matters.</summary>
    private async Task<TimeSpan?> SyncAsync(ObjectKey key, JobState state, CancellationToken cancellationToken)
    {
        var job = state.Job;
        var now = state.Now;
        var suspended = job.IsSuspended();
        if (!suspended && state.Status.StartTime is null) state.Status = state.Status with { StartTime = now };

        if (FailureOf(state) is var (reason, message))
        {
            await FailAsync(key, state, reason, message, cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (state.Status.GetCondition(JobConditionType.SuccessCriteriaMet) is { Status: ConditionStatus.True } met)
        {
            await CompleteAsync(key, state, met.Reason ?? JobPolicyRules.SuccessPolicyReason, met.Message ?? "", cancellationToken).ConfigureAwait(false);
            return null;
        }
        if (state.IsIndexed && job.Spec.SuccessPolicy is { } successPolicy &&
            JobPolicyRules.MatchSuccessPolicy(successPolicy, state.Completed, job.Spec.Completions ?? 0) is { } matched)
        {
            await CompleteAsync(key, state, JobPolicyRules.SuccessPolicyReason, matched, cancellationToken).ConfigureAwait(false);
            return null;
        }
        if (state.IsComplete())
        {
            await CompleteAsync(key, state, "CompletionsReached", "Reached expected number of succeeded pods", cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (suspended)
        {
            // Pods stopped by a suspension are not failures.
            await DeletePodsAsync(key, state, [.. state.Active], countAsFailed: false, cancellationToken).ConfigureAwait(false);
            if (!state.Status.IsConditionTrue(JobConditionType.Suspended))
            {
                state.Status = state.Status with
                {
                    Conditions = JobConditions.Set(state.Status.Conditions, JobConditionType.Suspended, ConditionStatus.True, "JobSuspended", "Job suspended", now),
                };
                _events.Normal(job, "Suspended", "Job suspended");
            }
            return null;
        }
        if (state.Status.IsConditionTrue(JobConditionType.Suspended))
        {
            // Resuming restarts the clock of activeDeadlineSeconds.
            state.Status = state.Status with
            {
                StartTime = now,
                Conditions = JobConditions.Set(state.Status.Conditions, JobConditionType.Suspended, ConditionStatus.False, "JobResumed", "Job resumed", now),
            };
            _events.Normal(job, "Resumed", "Job resumed");
        }

        var backoff = await ManagePodsAsync(key, state, cancellationToken).ConfigureAwait(false);
        return PodAvailability.Earliest(backoff, UntilDeadline(job, state.Status, now));
    }

    /// <summary>
    /// Why the Job fails now, in Kubernetes' order (<c>syncJob</c>): a recorded <c>FailureTarget</c>; a failed pod matching
    /// a <c>FailJob</c> rule of the pod failure policy; the backoff limit; the active deadline; then, for a per-index backoff
    /// limit, too many failed indexes or every index finished with some failed. Null when it does not fail.
    /// </summary>
    private static (string Reason, string Message)? FailureOf(JobState state)
    {
        var job = state.Job;
        if (state.Status.GetCondition(JobConditionType.FailureTarget) is { Status: ConditionStatus.True } target)
        {
            return (target.Reason ?? "", target.Message ?? "");
        }
        if (state.FailJobMessage is { } message) return (JobPolicyRules.PodFailurePolicyReason, message);
        if (state.Failed > (job.Spec.BackoffLimit ?? 6) || PastBackoffLimitOnFailure(job, state.Active))
        {
            return ("BackoffLimitExceeded", "Job has reached the specified backoff limit");
        }
        if (UntilDeadline(job, state.Status, state.Now) is { } left && left <= TimeSpan.Zero)
        {
            return ("DeadlineExceeded", "Job was active longer than specified deadline");
        }
        if (!state.HasBackoffLimitPerIndex) return null;
        if (job.Spec.MaxFailedIndexes is { } max && state.FailedIndexes.Count > max)
        {
            return ("MaxFailedIndexesExceeded", "Job has exceeded the specified maximal number of failed indexes");
        }
        if (state.FailedIndexes.Count > 0 && state.FailedIndexes.Count + state.Completed.Count >= (job.Spec.Completions ?? 0))
        {
            return ("FailedIndexes", "Job has failed indexes");
        }
        return null;
    }

    /// <summary>
    /// Deletes the active pods and marks the Job complete: <c>SuccessCriteriaMet</c> first (which a later reconcile would
    /// finish from), then <c>Complete</c> with the same reason and message.
    /// </summary>
    private async Task CompleteAsync(ObjectKey key, JobState state, string reason, string message, CancellationToken cancellationToken)
    {
        await DeletePodsAsync(key, state, [.. state.Active], countAsFailed: false, cancellationToken).ConfigureAwait(false);
        var conditions = JobConditions.Set(state.Status.Conditions, JobConditionType.SuccessCriteriaMet, ConditionStatus.True, reason, message, state.Now);
        state.Status = state.Status with
        {
            CompletionTime = state.Now,
            Conditions = JobConditions.Set(conditions, JobConditionType.Complete, ConditionStatus.True, reason, message, state.Now),
        };
        _events.Normal(state.Job, "Completed", "Job completed");
        JobLog.Finished(_logger, JobConditionType.Complete, reason);
    }

    /// <summary>
    /// Deletes the active pods and marks the Job failed: <c>FailureTarget</c> first (which a later reconcile would finish
    /// from, should this one not get to write <c>Failed</c>), then <c>Failed</c> with the same reason and message.
    /// </summary>
    private async Task FailAsync(ObjectKey key, JobState state, string reason, string message, CancellationToken cancellationToken)
    {
        await DeletePodsAsync(key, state, [.. state.Active], countAsFailed: true, cancellationToken).ConfigureAwait(false);
        var conditions = JobConditions.Set(state.Status.Conditions, JobConditionType.FailureTarget, ConditionStatus.True, reason, message, state.Now);
        state.Status = state.Status with
        {
            Conditions = JobConditions.Set(conditions, JobConditionType.Failed, ConditionStatus.True, reason, message, state.Now),
        };
        _events.Warning(state.Job, reason, message);
        JobLog.Finished(_logger, JobConditionType.Failed, reason);
    }

    /// <summary>How long until <c>activeDeadlineSeconds</c> runs out; null without a deadline or a start time.</summary>
    private static TimeSpan? UntilDeadline(Job job, JobStatus status, DateTimeOffset now) =>
        job.Spec.ActiveDeadlineSeconds is { } seconds && status.StartTime is { } start && !job.IsSuspended()
            ? start.AddSeconds(seconds) - now
            : null;

    /// <summary>
    /// With <c>restartPolicy: OnFailure</c>, container restarts in pending and running pods count towards the back-off
    /// limit (Kubernetes <c>pastBackoffLimitOnFailure</c>).
    /// </summary>
    private static bool PastBackoffLimitOnFailure(Job job, IReadOnlyList<Pod> active)
    {
        if (job.Spec.Template.Spec.RestartPolicy != RestartPolicy.OnFailure) return false;
        var restarts = 0;
        foreach (var pod in active)
        {
            if (pod.Status?.Phase is not (PodPhase.Running or PodPhase.Pending)) continue;
            foreach (var status in pod.Status.InitContainerStatuses) restarts += status.RestartCount;
            foreach (var status in pod.Status.ContainerStatuses) restarts += status.RestartCount;
        }
        var limit = job.Spec.BackoffLimit ?? 6;
        return limit == 0 ? restarts > 0 : restarts >= limit;
    }

    /// <summary>
    /// Deletes a finished Job whose <c>ttlSecondsAfterFinished</c> has passed (Kubernetes' TTL-after-finished controller,
    /// foreground propagation); returns the time left otherwise.
    /// </summary>
    private async Task<TimeSpan?> ExpireAsync(ObjectKey key, Job job, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (job.Spec.TtlSecondsAfterFinished is not { } ttl || job.Metadata.DeletionTimestamp is not null) return null;
        var finished = job.Status?.GetCondition(job.FinishedConditionType()!)?.LastTransitionTime ?? job.Status?.CompletionTime ?? now;
        var expiresAt = finished.AddSeconds(ttl);
        if (expiresAt > now) return expiresAt - now;
        JobLog.TtlExpired(_logger, key.ToString(), ttl);
        try
        {
            await _store.DeleteAsync<Job>(job.Metadata.Namespace, job.Metadata.Name!,
                new DeleteOptions { PropagationPolicy = PropagationPolicy.Foreground, PreconditionUid = job.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NotFoundException or ConflictException)
        {
        }
        return null;
    }

    /// <summary>Writes the status the reconcile arrived at, with every recorded pod counted; returns the stored Job or null when it is gone.</summary>
    private async Task<Job?> WriteStatusAsync(Job job, JobState state, CancellationToken cancellationToken)
    {
        var status = state.FinalStatus();
        if (job.Status is { } existing && KubernetesJson.ContentEquals(existing, status)) return job;
        try
        {
            return await _store.UpdateStatusWithRetryAsync<Job>(job.Metadata.Namespace, job.Metadata.Name!, current =>
                current.Metadata.Uid != job.Metadata.Uid ? null : current with { Status = status }, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    /// <summary>Records newly finished pods in <c>status.uncountedTerminatedPods</c> before their finalizers go.</summary>
    private async Task<Job?> RecordUncountedAsync(JobState state, CancellationToken cancellationToken)
    {
        var job = state.Job;
        var status = state.RecordedStatus();
        try
        {
            var updated = await _store.UpdateStatusWithRetryAsync<Job>(job.Metadata.Namespace, job.Metadata.Name!, current =>
                current.Metadata.Uid != job.Metadata.Uid ? null : current with { Status = status }, cancellationToken).ConfigureAwait(false);
            if (updated.Metadata.Uid != job.Metadata.Uid) return null;
            state.Status = status;
            return updated;
        }
        catch (NotFoundException)
        {
            return null;
        }
    }
}
