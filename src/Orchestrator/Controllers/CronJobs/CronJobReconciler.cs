using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// Creates a CronJob's Jobs at its scheduled times (Kubernetes <c>cronjob_controllerv2.go</c>).
/// </summary>
/// <remarks>
/// <para>Each call first brings <c>status.active</c> up to date with the CronJob's Jobs (finished ones leave it with a
/// <c>SawCompletedJob</c> event and update <c>lastSuccessfulTime</c>; vanished ones leave with <c>MissingJob</c>). Unless the
/// CronJob is suspended, it then takes the most recent scheduled time not yet run (see
/// <see cref="CronJobScheduling.MostRecent"/>; earlier missed times are never run, and more than 100 of them are reported as
/// <c>TooManyMissedTimes</c>): a time older than <c>startingDeadlineSeconds</c> is skipped (<c>MissSchedule</c>); with
/// <c>Forbid</c> and a Job still active it is skipped (<c>JobAlreadyActive</c>); with <c>Replace</c> the active Jobs are
/// deleted first. The Job is named <c>&lt;cronjob&gt;-&lt;minutes since the epoch&gt;</c>, so a retry or a restart never
/// creates a second Job for one time. Finally finished Jobs beyond <c>successfulJobsHistoryLimit</c> and
/// <c>failedJobsHistoryLimit</c> are deleted, oldest first.</para>
/// <para>The call returns <see cref="ReconcileResult.After"/> the next scheduled time, so the CronJob is reconciled exactly
/// then on the host's <see cref="TimeProvider"/>; there is no polling. Times are computed in <c>spec.timeZone</c>, or in the
/// clock's local time zone when unset.</para>
/// </remarks>
internal sealed class CronJobReconciler : IReconciler
{
    /// <summary>The controller name, in logs and metrics, and the component of its events.</summary>
    public const string Name = "cronjob-controller";

    private readonly IObjectStore _store;
    private readonly ILister<CronJob> _cronJobs;
    private readonly ILister<Job> _jobs;
    private readonly IEventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public CronJobReconciler(IObjectStore store, SharedInformerFactory informers, IEventRecorderFactory events, TimeProvider time, ILogger logger)
    {
        _store = store;
        _cronJobs = informers.GetLister<CronJob>();
        _jobs = informers.GetLister<Job>();
        _events = events.CreateRecorder(Name);
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        if (_cronJobs.Get(key) is null) return ReconcileResult.Done;
        // The store, not the cache: status.active must include the Job this controller created last time.
        var cronJob = await _store.GetAsync<CronJob>(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false);
        if (cronJob is null) return ReconcileResult.Done;
        var now = _time.GetUtcNow();
        var jobs = _jobs.ByIndex(IndexNames.OwnerUid, cronJob.Metadata.Uid ?? "")
            .Where(j => ControllerRefs.IsControlledBy(j, cronJob.Metadata.Uid))
            .ToList();

        var status = await SyncActiveAsync(cronJob, jobs, cancellationToken).ConfigureAwait(false);
        TimeSpan? requeue = null;
        if (cronJob.Metadata.DeletionTimestamp is null)
        {
            (status, requeue) = await ScheduleAsync(cronJob, status, now, cancellationToken).ConfigureAwait(false);
        }
        await WriteStatusAsync(cronJob, status, cancellationToken).ConfigureAwait(false);
        if (cronJob.Metadata.DeletionTimestamp is null) await CleanupFinishedJobsAsync(cronJob, jobs, cancellationToken).ConfigureAwait(false);
        return requeue is { } delay ? ReconcileResult.After(delay) : ReconcileResult.Done;
    }

    /// <summary>Reconciles <c>status.active</c> and <c>lastSuccessfulTime</c> with the CronJob's Jobs.</summary>
    private async Task<CronJobStatus> SyncActiveAsync(CronJob cronJob, List<Job> jobs, CancellationToken cancellationToken)
    {
        var status = cronJob.Status ?? new CronJobStatus();
        var active = status.Active.ToList();
        foreach (var job in jobs)
        {
            var found = active.Any(a => a.Uid == job.Metadata.Uid);
            if (!found && !job.IsFinished())
            {
                _events.Warning(cronJob, "UnexpectedJob", $"Saw a job that the controller did not create or forgot: {job.Metadata.Name}");
            }
            else if (found && job.IsFinished())
            {
                active.RemoveAll(a => a.Uid == job.Metadata.Uid);
                _events.Normal(cronJob, "SawCompletedJob", $"Saw completed job: {job.Metadata.Name}, condition: {job.FinishedConditionType()}");
            }
            if (job.FinishedConditionType() == JobConditionType.Complete && job.Status?.CompletionTime is { } completed &&
                (status.LastSuccessfulTime is null || completed > status.LastSuccessfulTime))
            {
                status = status with { LastSuccessfulTime = completed };
            }
        }
        foreach (var reference in active.ToList())
        {
            if (jobs.Any(j => j.Metadata.Uid == reference.Uid)) continue;
            // The cache may lag: ask the store before declaring the Job gone.
            var stored = await _store.GetAsync<Job>(reference.Namespace, reference.Name ?? "", cancellationToken).ConfigureAwait(false);
            if (stored is not null && stored.Metadata.Uid == reference.Uid) continue;
            _events.Normal(cronJob, "MissingJob", $"Active job went missing: {reference.Name}");
            active.Remove(reference);
        }
        return status with { Active = active };
    }

    /// <summary>Starts the Job of the most recent unmet scheduled time, if it should run; returns the status and when to look again.</summary>
    private async Task<(CronJobStatus Status, TimeSpan? Requeue)> ScheduleAsync(CronJob cronJob, CronJobStatus status, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        TimeZoneInfo zone;
        try
        {
            zone = cronJob.Spec.TimeZone is { } id ? TimeZoneInfo.FindSystemTimeZoneById(id) : _time.LocalTimeZone;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            _events.Warning(cronJob, "UnknownTimeZone", $"invalid timeZone: \"{cronJob.Spec.TimeZone}\": {e.Message}");
            return (status, null);
        }
        if (cronJob.Spec.Suspend) return (status, null);
        if (!CronSchedule.TryParse(cronJob.Spec.Schedule, out var schedule, out var error))
        {
            _events.Warning(cronJob, "UnparseableSchedule", $"unparseable schedule: \"{cronJob.Spec.Schedule}\" : {error!.Reason}");
            return (status, null);
        }

        CronJobScheduling.Unmet unmet;
        try
        {
            unmet = CronJobScheduling.MostRecent(cronJob, status.LastScheduleTime, now, schedule, zone, includeStartingDeadline: true);
        }
        catch (InvalidOperationException e)
        {
            _events.Warning(cronJob, "InvalidSchedule", $"invalid schedule: {cronJob.Spec.Schedule} : {e.Message}");
            return (status, null);
        }
        TimeSpan? Next(CronJobStatus s) => CronJobScheduling.UntilNext(cronJob, s.LastScheduleTime, now, schedule, zone);

        if (unmet.Time is not { } scheduled) return (status, Next(status));
        if (unmet.Missed > CronJobScheduling.TooManyMissed)
        {
            _events.Warning(cronJob, "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
            CronJobLog.TooManyMissed(_logger, unmet.Missed);
        }
        if (cronJob.Spec.StartingDeadlineSeconds is { } deadline && scheduled.AddSeconds(deadline) < now)
        {
            _events.Warning(cronJob, "MissSchedule", $"Missed scheduled time to start a job: {CronJobScheduling.Rfc1123Z(scheduled)}");
            return (status, Next(status));
        }
        var name = CronJobScheduling.JobName(cronJob, scheduled);
        if (status.Active.Any(a => a.Name == name) || status.LastScheduleTime == scheduled) return (status, Next(status));
        if (cronJob.Spec.ConcurrencyPolicy == ConcurrencyPolicy.Forbid && status.Active.Count > 0)
        {
            _events.Normal(cronJob, "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
            return (status, Next(status));
        }
        if (cronJob.Spec.ConcurrencyPolicy == ConcurrencyPolicy.Replace)
        {
            foreach (var reference in status.Active)
            {
                await DeleteJobAsync(cronJob, reference.Namespace, reference.Name ?? "", reference.Uid, cancellationToken).ConfigureAwait(false);
            }
            status = status with { Active = [] };
        }

        var job = NewJob(cronJob, scheduled, cronJob.Spec.TimeZone is null ? TimeZoneInfo.Utc : zone);
        Job created;
        try
        {
            created = await _store.CreateAsync<Job>(job, cancellationToken).ConfigureAwait(false);
            _events.Normal(cronJob, "SuccessfulCreate", $"Created job {created.Metadata.Name}");
            CronJobLog.Created(_logger, created.Metadata.Name!, scheduled);
        }
        catch (AlreadyExistsException)
        {
            // Created before, by this controller (then only the status update was lost) or by someone else.
            var existing = await _store.GetAsync<Job>(job.Metadata.Namespace, name, cancellationToken).ConfigureAwait(false);
            if (existing is null || !ControllerRefs.IsControlledBy(existing, cronJob.Metadata.Uid) || status.Active.Any(a => a.Uid == existing.Metadata.Uid))
            {
                return (status, Next(status));
            }
            created = existing;
        }
        catch (ApiException e) when (e is not NotFoundException)
        {
            _events.Warning(cronJob, "FailedCreate", $"Error creating job: {e.Message}");
            throw;
        }
        status = status with
        {
            Active = [.. status.Active, ObjectReference.For(created)],
            LastScheduleTime = scheduled,
        };
        return (status, Next(status));
    }

    /// <summary>A Job of <paramref name="cronJob"/> for <paramref name="scheduled"/> (Kubernetes <c>getJobFromTemplate2</c>).</summary>
    internal static Job NewJob(CronJob cronJob, DateTimeOffset scheduled, TimeZoneInfo zone)
    {
        var template = cronJob.Spec.JobTemplate;
        var stamp = TimeZoneInfo.ConvertTime(scheduled, zone);
        var timestamp = stamp.Offset == TimeSpan.Zero
            ? stamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : stamp.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        return new Job
        {
            Metadata = new ObjectMeta
            {
                Name = CronJobScheduling.JobName(cronJob, scheduled),
                Namespace = cronJob.Metadata.Namespace,
                Labels = template.Metadata.Labels,
                Annotations = template.Metadata.Annotations.ToImmutableDictionary().SetItem(WellKnownLabels.CronJobScheduledTimestamp, timestamp),
                OwnerReferences = [ControllerRefs.NewControllerRef(cronJob)],
            },
            Spec = template.Spec,
        };
    }

    /// <summary>Deletes the oldest finished Jobs beyond the history limits (Kubernetes <c>cleanupFinishedJobs</c>).</summary>
    private async Task CleanupFinishedJobsAsync(CronJob cronJob, List<Job> jobs, CancellationToken cancellationToken)
    {
        async Task RemoveOldest(string condition, int limit)
        {
            var finished = jobs.Where(j => j.FinishedConditionType() == condition).ToList();
            if (finished.Count <= limit) return;
            finished.Sort(static (a, b) =>
            {
                var (x, y) = (a.Status?.StartTime, b.Status?.StartTime);
                if (x is null != y is null) return x is null ? 1 : -1;
                var byTime = Nullable.Compare(x, y);
                return byTime != 0 ? byTime : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
            });
            foreach (var job in finished.Take(finished.Count - limit))
            {
                await DeleteJobAsync(cronJob, job.Metadata.Namespace, job.Metadata.Name!, job.Metadata.Uid, cancellationToken).ConfigureAwait(false);
            }
        }
        await RemoveOldest(JobConditionType.Complete, Math.Max(0, cronJob.Spec.SuccessfulJobsHistoryLimit)).ConfigureAwait(false);
        await RemoveOldest(JobConditionType.Failed, Math.Max(0, cronJob.Spec.FailedJobsHistoryLimit)).ConfigureAwait(false);
    }

    private async Task DeleteJobAsync(CronJob cronJob, string? ns, string name, string? uid, CancellationToken cancellationToken)
    {
        try
        {
            await _store.DeleteAsync<Job>(ns, name, new DeleteOptions { PropagationPolicy = PropagationPolicy.Background, PreconditionUid = uid }, cancellationToken)
                .ConfigureAwait(false);
            _events.Normal(cronJob, "SuccessfulDelete", $"Deleted job {name}");
        }
        catch (Exception e) when (e is NotFoundException or ConflictException)
        {
            // Gone already.
        }
    }

    private async Task WriteStatusAsync(CronJob cronJob, CronJobStatus status, CancellationToken cancellationToken)
    {
        if (cronJob.Status is { } existing && KubernetesJson.ContentEquals(existing, status)) return;
        if (cronJob.Status is null && status.Active.Count == 0 && status.LastScheduleTime is null && status.LastSuccessfulTime is null) return;
        try
        {
            await _store.UpdateStatusWithRetryAsync<CronJob>(cronJob.Metadata.Namespace, cronJob.Metadata.Name!, current =>
                current.Metadata.Uid != cronJob.Metadata.Uid ? null : current with { Status = status }, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
        }
    }
}
