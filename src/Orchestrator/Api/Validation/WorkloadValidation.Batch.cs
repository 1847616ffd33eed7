using System.Text.RegularExpressions;

namespace Orchestrator.Api.Validation;

// The batch/v1 rules: Job and CronJob.
internal static partial class WorkloadValidation
{
    private static void ValidateJob(Job job, ValidationErrors errors)
    {
        var spec = job.Spec;
        ValidateJobSpec(spec, "spec", errors);
        if (spec.Selector is null)
        {
            // Without manualSelector the selector is generated once the Job has a UID; see WorkloadDefaults.DefaultJob.
            if (spec.ManualSelector == true || !string.IsNullOrEmpty(job.Metadata.Uid)) errors.Required("spec.selector");
            return;
        }
        if (ValidateLabelSelector(spec.Selector, "spec.selector", errors) && !Matches(spec.Selector, spec.Template.Metadata.Labels))
        {
            Invalid(errors, "spec.template.metadata.labels", spec.Template.Metadata.Labels, SelectorMismatch);
        }
        if (spec.ManualSelector != true && job.Metadata.Uid is { Length: > 0 } uid &&
            !(spec.Selector.MatchExpressions.Count == 0 && spec.Selector.MatchLabels.Count == 1 &&
              spec.Selector.MatchLabels.TryGetValue(WellKnownLabels.JobControllerUid, out var selected) && selected == uid))
        {
            Invalid(errors, "spec.selector", spec.Selector, "`selector` not auto-generated");
        }
    }

    private static void ValidateJobSpec(JobSpec spec, string path, ValidationErrors errors)
    {
        if (spec.Parallelism is { } parallelism) NonNegative(errors, path + ".parallelism", parallelism);
        if (spec.Completions is { } completions) NonNegative(errors, path + ".completions", completions);
        if (spec.ActiveDeadlineSeconds is { } deadline) NonNegative(errors, path + ".activeDeadlineSeconds", deadline);
        if (spec.BackoffLimit is { } backoffLimit) NonNegative(errors, path + ".backoffLimit", backoffLimit);
        if (spec.TtlSecondsAfterFinished is { } ttl) NonNegative(errors, path + ".ttlSecondsAfterFinished", ttl);
        if (spec.BackoffLimitPerIndex is { } perIndex) NonNegative(errors, path + ".backoffLimitPerIndex", perIndex);
        if (spec.CompletionMode is { } mode)
        {
            if (!JobCompletionMode.All.Contains(mode)) errors.NotSupported(path + ".completionMode", mode, JobCompletionMode.All);
            if (mode == JobCompletionMode.Indexed && spec.Completions is null)
            {
                Add(errors, path + ".completions", "Required value: when completion mode is Indexed");
            }
        }
        if (spec.PodReplacementPolicy is { } replacement && !JobPodReplacementPolicy.All.Contains(replacement))
        {
            errors.NotSupported(path + ".podReplacementPolicy", replacement, JobPodReplacementPolicy.All);
        }
        CoreValidation.ValidatePodTemplate(spec.Template, path + ".template", errors);
        var restartPolicyPath = path + ".template.spec.restartPolicy";
        var restartPolicy = spec.Template.Spec.RestartPolicy;
        if (string.IsNullOrEmpty(restartPolicy) || restartPolicy == RestartPolicy.Always)
        {
            Add(errors, restartPolicyPath, "Required value: valid values: \"OnFailure\", \"Never\"");
        }
        else if (restartPolicy is not (RestartPolicy.OnFailure or RestartPolicy.Never))
        {
            errors.NotSupported(restartPolicyPath, restartPolicy, [RestartPolicy.OnFailure, RestartPolicy.Never]);
        }
        else if (spec.PodFailurePolicy is not null && restartPolicy != RestartPolicy.Never)
        {
            Invalid(errors, restartPolicyPath, restartPolicy, "only \"Never\" is supported when podFailurePolicy is specified");
        }
    }

    private static void ValidateCronJob(CronJob cronJob, ValidationErrors errors)
    {
        // Job names are "<cronjob>-<11 characters>" and must stay DNS-1035 labels.
        if (cronJob.Metadata.Name is { Length: > 52 } name) Invalid(errors, "metadata.name", name, "must be no more than 52 characters");
        var spec = cronJob.Spec;
        if (string.IsNullOrWhiteSpace(spec.Schedule)) errors.Required("spec.schedule");
        else if (spec.Schedule.Contains("TZ", StringComparison.Ordinal))
        {
            Invalid(errors, "spec.schedule", spec.Schedule, spec.TimeZone is null
                ? "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
                : "cannot use both timeZone field and TZ or CRON_TZ in schedule");
        }
        else ValidateScheduleFormat(spec.Schedule, errors);
        if (spec.StartingDeadlineSeconds is { } deadline) NonNegative(errors, "spec.startingDeadlineSeconds", deadline);
        if (spec.TimeZone is { } timeZone) ValidateTimeZone(timeZone, errors);
        if (string.IsNullOrEmpty(spec.ConcurrencyPolicy)) errors.Required("spec.concurrencyPolicy");
        else if (!ConcurrencyPolicy.All.Contains(spec.ConcurrencyPolicy))
        {
            errors.NotSupported("spec.concurrencyPolicy", spec.ConcurrencyPolicy, ConcurrencyPolicy.All);
        }
        var jobSpec = spec.JobTemplate.Spec;
        ValidateJobSpec(jobSpec, "spec.jobTemplate.spec", errors);
        if (jobSpec.Selector is not null)
        {
            Invalid(errors, "spec.jobTemplate.spec.selector", jobSpec.Selector, "`selector` will be auto-generated");
        }
        if (jobSpec.ManualSelector == true) errors.NotSupported("spec.jobTemplate.spec.manualSelector", "true", ["nil", "false"]);
        NonNegative(errors, "spec.successfulJobsHistoryLimit", spec.SuccessfulJobsHistoryLimit);
        NonNegative(errors, "spec.failedJobsHistoryLimit", spec.FailedJobsHistoryLimit);
    }

    /// <summary>The schedule parses as the CronJob controller will parse it (Kubernetes <c>validateScheduleFormat</c>).</summary>
    private static void ValidateScheduleFormat(string schedule, ValidationErrors errors)
    {
        try
        {
            Controllers.CronScheduleParser.Parse(schedule);
        }
        catch (Controllers.CronFormatException e)
        {
            Invalid(errors, "spec.schedule", schedule, e.Field is null ? e.Reason : $"{e.Field} field at position {e.Position}: {e.Reason}");
        }
    }

    private static void ValidateTimeZone(string timeZone, ValidationErrors errors)
    {
        const string path = "spec.timeZone";
        if (timeZone.Length == 0)
        {
            Invalid(errors, path, timeZone, "timeZone must be nil or non-empty string");
            return;
        }
        if (timeZone.Split('/').Any(part => part is "." or ".." || part.StartsWith('-') || !TimeZonePart().IsMatch(part)))
        {
            Invalid(errors, path, timeZone, $"unknown time zone {timeZone}");
            return;
        }
        if (string.Equals(timeZone, "Local", StringComparison.OrdinalIgnoreCase))
        {
            Invalid(errors, path, timeZone, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones");
            return;
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _)) Invalid(errors, path, timeZone, $"unknown time zone {timeZone}");
    }

    [GeneratedRegex("^[A-Za-z._+\\-0-9]+$")]
    private static partial Regex TimeZonePart();
}
