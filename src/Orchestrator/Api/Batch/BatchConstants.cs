namespace Orchestrator.Api;

/// <summary>Condition types of a <see cref="Job"/>.</summary>
public static class JobConditionType
{
    /// <summary>The job is suspended (<c>True</c>) or was resumed (<c>False</c>).</summary>
    public const string Suspended = "Suspended";

    /// <summary>The job succeeded; terminal.</summary>
    public const string Complete = "Complete";

    /// <summary>The job failed; terminal.</summary>
    public const string Failed = "Failed";

    /// <summary>The job will fail once its remaining pods have terminated.</summary>
    public const string FailureTarget = "FailureTarget";

    /// <summary>The job will complete once its remaining pods have terminated.</summary>
    public const string SuccessCriteriaMet = "SuccessCriteriaMet";
}

/// <summary>Values of <see cref="JobSpec.CompletionMode"/>.</summary>
public static class JobCompletionMode
{
    /// <summary>The job completes after <c>completions</c> successful pods, which are interchangeable (the default).</summary>
    public const string NonIndexed = "NonIndexed";

    /// <summary>Each pod gets an index in <c>[0, completions)</c>; the job completes when every index has succeeded.</summary>
    public const string Indexed = "Indexed";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [NonIndexed, Indexed];
}

/// <summary>Values of <see cref="JobSpec.PodReplacementPolicy"/>.</summary>
public static class JobPodReplacementPolicy
{
    /// <summary>Replace a pod once it is terminating or failed (the default without a pod failure policy).</summary>
    public const string TerminatingOrFailed = "TerminatingOrFailed";

    /// <summary>Replace a pod only once it has fully failed (the default with a pod failure policy).</summary>
    public const string Failed = "Failed";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [TerminatingOrFailed, Failed];
}

/// <summary>Values of <see cref="PodFailurePolicyRule.Action"/>.</summary>
public static class PodFailurePolicyAction
{
    /// <summary>Fail the whole job.</summary>
    public const string FailJob = "FailJob";

    /// <summary>Fail the pod's index (Indexed jobs with a per-index backoff limit).</summary>
    public const string FailIndex = "FailIndex";

    /// <summary>Do not count the failure towards the backoff limit.</summary>
    public const string Ignore = "Ignore";

    /// <summary>Count the failure as usual.</summary>
    public const string Count = "Count";
}

/// <summary>Values of <see cref="CronJobSpec.ConcurrencyPolicy"/>.</summary>
public static class ConcurrencyPolicy
{
    /// <summary>Start a new Job even if earlier ones are still running (the default).</summary>
    public const string Allow = "Allow";

    /// <summary>Skip the run while an earlier Job is still running.</summary>
    public const string Forbid = "Forbid";

    /// <summary>Delete the running Job and start the new one.</summary>
    public const string Replace = "Replace";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [Allow, Forbid, Replace];
}
