namespace Orchestrator.Api;

/// <summary>
/// Creates Jobs on a cron schedule (Kubernetes batch/v1 <c>CronJob</c>) from <see cref="CronJobSpec.JobTemplate"/>,
/// keeping a bounded history of finished Jobs.
/// </summary>
public sealed record CronJob : KubernetesObject<CronJobSpec, CronJobStatus>
{
    /// <summary>Creates an empty <c>batch/v1</c> CronJob.</summary>
    public CronJob() : base("batch/v1", "CronJob")
    {
    }
}

/// <summary>The desired state of a <see cref="CronJob"/> (Kubernetes <c>CronJobSpec</c>).</summary>
public sealed record CronJobSpec
{
    /// <summary>The schedule in cron format, for example <c>*/5 * * * *</c> or <c>@hourly</c>; required.</summary>
    public string Schedule { get; init; } = "";

    /// <summary>The IANA time zone of <see cref="Schedule"/>, for example <c>Europe/Paris</c>; the host's when unset.</summary>
    public string? TimeZone { get; init; }

    /// <summary>A run missed by more than this many seconds is skipped; no deadline when unset.</summary>
    public long? StartingDeadlineSeconds { get; init; }

    /// <summary><c>Allow</c> (the default), <c>Forbid</c> or <c>Replace</c> a run while the previous Job is active; see <see cref="Api.ConcurrencyPolicy"/>.</summary>
    public string ConcurrencyPolicy { get; init; } = Api.ConcurrencyPolicy.Allow;

    /// <summary>While true no new Jobs are created; running Jobs are not affected. Defaults to false.</summary>
    public bool Suspend { get; init; }

    /// <summary>The Job to create at each scheduled time.</summary>
    public JobTemplateSpec JobTemplate { get; init; } = new();

    /// <summary>How many successfully finished Jobs to keep; defaults to 3.</summary>
    public int SuccessfulJobsHistoryLimit { get; init; } = 3;

    /// <summary>How many failed Jobs to keep; defaults to 1.</summary>
    public int FailedJobsHistoryLimit { get; init; } = 1;
}

/// <summary>The observed state of a <see cref="CronJob"/> (Kubernetes <c>CronJobStatus</c>).</summary>
public sealed record CronJobStatus
{
    /// <summary>References to the Jobs of this CronJob that are still running.</summary>
    public IReadOnlyList<ObjectReference> Active { get; init; } = [];

    /// <summary>The scheduled time of the most recent Job created.</summary>
    public DateTimeOffset? LastScheduleTime { get; init; }

    /// <summary>When a Job of this CronJob last completed successfully.</summary>
    public DateTimeOffset? LastSuccessfulTime { get; init; }
}
