namespace Orchestrator.Api;

/// <summary>
/// Runs pods until a number of them succeed (Kubernetes batch/v1 <c>Job</c>). The job is finished when its
/// <c>Complete</c> or <c>Failed</c> condition is <c>True</c>; see <see cref="IsFinished"/>.
/// </summary>
public sealed record Job : KubernetesObject<JobSpec, JobStatus>
{
    /// <summary>Creates an empty <c>batch/v1</c> Job.</summary>
    public Job() : base("batch/v1", "Job")
    {
    }

    /// <summary>True when the <c>Complete</c> or the <c>Failed</c> condition is <c>True</c>; a finished job never runs pods again.</summary>
    public bool IsFinished() => FinishedConditionType() is not null;

    /// <summary><c>Complete</c> or <c>Failed</c> when that condition is <c>True</c>, otherwise null.</summary>
    public string? FinishedConditionType()
    {
        if (Status is null) return null;
        if (Status.IsConditionTrue(JobConditionType.Complete)) return JobConditionType.Complete;
        return Status.IsConditionTrue(JobConditionType.Failed) ? JobConditionType.Failed : null;
    }

    /// <summary>True when <c>spec.suspend</c> is true: the controller creates no pods and deletes the active ones.</summary>
    public bool IsSuspended() => Spec.Suspend == true;
}

/// <summary>
/// The desired state of a <see cref="Job"/> (Kubernetes <c>JobSpec</c>). Fields Kubernetes defaults are nullable
/// here, as in Kubernetes, because a CronJob's job template keeps them unset; the defaulter fills them in on Jobs.
/// </summary>
public sealed record JobSpec
{
    /// <summary>
    /// The most pods running at once; defaults to 1. Zero pauses the job. Fewer run when fewer completions remain.
    /// </summary>
    public int? Parallelism { get; init; }

    /// <summary>
    /// Successful pods needed to complete the job. Defaults to 1 when <see cref="Parallelism"/> is unset too;
    /// left unset otherwise, which is the work-queue mode: the job completes when any pod succeeds and none runs.
    /// </summary>
    public int? Completions { get; init; }

    /// <summary>Seconds since <c>status.startTime</c> after which the job fails with reason <c>DeadlineExceeded</c>.</summary>
    public long? ActiveDeadlineSeconds { get; init; }

    /// <summary>Rules that fail the job, ignore or count a pod failure by exit code or pod condition; requires <c>restartPolicy: Never</c>.</summary>
    public PodFailurePolicy? PodFailurePolicy { get; init; }

    /// <summary>Rules that declare an <c>Indexed</c> job succeeded before every index has (rule met: reason <c>SuccessPolicy</c>).</summary>
    public SuccessPolicy? SuccessPolicy { get; init; }

    /// <summary>Failed pods after which the job fails with reason <c>BackoffLimitExceeded</c>; defaults to 6.</summary>
    public int? BackoffLimit { get; init; }

    /// <summary>Per-index retry limit of an <c>Indexed</c> job: an index whose pods failed more often fails for good (<c>status.failedIndexes</c>).</summary>
    public int? BackoffLimitPerIndex { get; init; }

    /// <summary>The most failed indexes an <c>Indexed</c> job with <see cref="BackoffLimitPerIndex"/> tolerates; one more fails it (reason <c>MaxFailedIndexesExceeded</c>).</summary>
    public int? MaxFailedIndexes { get; init; }

    /// <summary>
    /// Selects the job's pods. Normally generated: the defaulter sets it to the job's
    /// <c>batch.kubernetes.io/controller-uid</c> once the object has a UID, unless <see cref="ManualSelector"/> is true.
    /// </summary>
    public LabelSelector? Selector { get; init; }

    /// <summary>True when the user supplies <see cref="Selector"/> and the template labels it matches.</summary>
    public bool? ManualSelector { get; init; }

    /// <summary>The pods to run. The only allowed <c>restartPolicy</c> values are <c>OnFailure</c> and <c>Never</c>.</summary>
    public PodTemplateSpec Template { get; init; } = new();

    /// <summary>Seconds after the job finishes when it becomes eligible for deletion; never deleted when unset.</summary>
    public int? TtlSecondsAfterFinished { get; init; }

    /// <summary><c>NonIndexed</c> (the default) or <c>Indexed</c>; see <see cref="JobCompletionMode"/>.</summary>
    public string? CompletionMode { get; init; }

    /// <summary>While true the controller creates no pods and deletes active ones; defaults to false.</summary>
    public bool? Suspend { get; init; }

    /// <summary>When a replacement pod may be created: <c>TerminatingOrFailed</c> (the default) or <c>Failed</c>.</summary>
    public string? PodReplacementPolicy { get; init; }

    /// <summary>The controller that reconciles the job; the built-in one when unset (shape only).</summary>
    public string? ManagedBy { get; init; }
}

/// <summary>The metadata and spec from which a CronJob creates Jobs (Kubernetes <c>JobTemplateSpec</c>).</summary>
public sealed record JobTemplateSpec
{
    /// <summary>Labels and annotations copied to each created Job.</summary>
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>The spec of each created Job; its selector is generated, so it must be unset here.</summary>
    public JobSpec Spec { get; init; } = new();
}
