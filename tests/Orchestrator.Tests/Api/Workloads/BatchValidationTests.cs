using System.Collections.Immutable;
using Orchestrator.Api;
using static Orchestrator.Tests.Api.Workloads.WorkloadFixtures;

namespace Orchestrator.Tests.Api.Workloads;

public class BatchValidationTests
{
    private static IEnumerable<TestCaseData> InvalidObjects()
    {
        var other = new LabelSelector { MatchLabels = ImmutableDictionary<string, string>.Empty.Add("app", "other") };

        // batch/v1 Job
        yield return Case("job restartPolicy Always", ValidJob with { Spec = ValidJob.Spec with { Template = ValidJob.Spec.Template with { Spec = Template().Spec } } },
            "spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"");
        yield return Case("job negative parallelism", ValidJob with { Spec = ValidJob.Spec with { Parallelism = -1 } },
            "spec.parallelism: Invalid value: -1: must be greater than or equal to 0");
        yield return Case("job negative completions", ValidJob with { Spec = ValidJob.Spec with { Completions = -2 } },
            "spec.completions: Invalid value: -2: must be greater than or equal to 0");
        yield return Case("job negative backoff", ValidJob with { Spec = ValidJob.Spec with { BackoffLimit = -1 } },
            "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0");
        yield return Case("job indexed without completions", ValidJob with { Spec = ValidJob.Spec with { CompletionMode = JobCompletionMode.Indexed, Completions = null } },
            "spec.completions: Required value: when completion mode is Indexed");
        yield return Case("job unknown completion mode", ValidJob with { Spec = ValidJob.Spec with { CompletionMode = "Sometimes" } },
            "spec.completionMode: Unsupported value: \"Sometimes\": supported values: \"NonIndexed\", \"Indexed\"");
        yield return Case("job manual selector missing", ValidJob with { Spec = ValidJob.Spec with { ManualSelector = true, Selector = null } },
            "spec.selector: Required value");
        yield return Case("job manual selector mismatch", ValidJob with { Spec = ValidJob.Spec with { ManualSelector = true, Selector = other } },
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\", \"batch.kubernetes.io/controller-uid\":\"0b9e-uid\", " +
            "\"batch.kubernetes.io/job-name\":\"web\", \"controller-uid\":\"0b9e-uid\", \"job-name\":\"web\"}: `selector` does not match template `labels`");
        yield return Case("job selector not generated", ValidJob with { Spec = ValidJob.Spec with { Selector = WebSelector } },
            "spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"web\"}}: `selector` not auto-generated");
        yield return Case("job pod failure policy with OnFailure", ValidJob with
        {
            Spec = ValidJob.Spec with { PodFailurePolicy = new PodFailurePolicy(), Template = ValidJob.Spec.Template with { Spec = Template(RestartPolicy.OnFailure).Spec } },
        }, "spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is supported when podFailurePolicy is specified");

        // batch/v1 CronJob
        yield return Case("cronjob schedule missing", ValidCronJob with { Spec = ValidCronJob.Spec with { Schedule = "" } }, "spec.schedule: Required value");
        yield return Case("cronjob TZ in schedule", ValidCronJob with { Spec = ValidCronJob.Spec with { Schedule = "CRON_TZ=UTC 0 * * * *" } },
            "spec.schedule: Invalid value: \"CRON_TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
        yield return Case("cronjob schedule zero step", ValidCronJob with { Spec = ValidCronJob.Spec with { Schedule = "*/0 * * * *" } },
            "spec.schedule: Invalid value: \"*/0 * * * *\": minute field at position 0: \"*/0\": step of range should be a positive number");
        yield return Case("cronjob schedule hour out of range", ValidCronJob with { Spec = ValidCronJob.Spec with { Schedule = "0 24 * * *" } },
            "spec.schedule: Invalid value: \"0 24 * * *\": hour field at position 2: \"24\": end of range (24) above maximum (23)");
        yield return Case("cronjob schedule too few fields", ValidCronJob with { Spec = ValidCronJob.Spec with { Schedule = "* * *" } },
            "spec.schedule: Invalid value: \"* * *\": expected exactly 5 fields, found 3");
        yield return Case("cronjob schedule unknown descriptor", ValidCronJob with { Spec = ValidCronJob.Spec with { Schedule = "@fortnightly" } },
            "spec.schedule: Invalid value: \"@fortnightly\": unrecognized descriptor: @fortnightly (supported: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>)");
        yield return Case("cronjob unknown time zone", ValidCronJob with { Spec = ValidCronJob.Spec with { TimeZone = "Mars/Olympus_Mons" } },
            "spec.timeZone: Invalid value: \"Mars/Olympus_Mons\": unknown time zone Mars/Olympus_Mons");
        yield return Case("cronjob local time zone", ValidCronJob with { Spec = ValidCronJob.Spec with { TimeZone = "Local" } },
            "spec.timeZone: Invalid value: \"Local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones");
        yield return Case("cronjob unknown concurrency", ValidCronJob with { Spec = ValidCronJob.Spec with { ConcurrencyPolicy = "Sometimes" } },
            "spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\"");
        yield return Case("cronjob negative history", ValidCronJob with { Spec = ValidCronJob.Spec with { SuccessfulJobsHistoryLimit = -1 } },
            "spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0");
        yield return Case("cronjob template restartPolicy Always", ValidCronJob with
        {
            Spec = ValidCronJob.Spec with { JobTemplate = new JobTemplateSpec { Spec = new JobSpec { Template = Template() } } },
        }, "spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"");
        yield return Case("cronjob template container without image", ValidCronJob with
        {
            Spec = ValidCronJob.Spec with
            {
                JobTemplate = new JobTemplateSpec
                {
                    Spec = new JobSpec { Template = Template(RestartPolicy.Never) with { Spec = Template(RestartPolicy.Never).Spec with { Containers = [new Container { Name = "c" }] } } },
                },
            },
        }, "spec.jobTemplate.spec.template.spec.containers[0].image: Required value");
        yield return Case("cronjob template selector", ValidCronJob with
        {
            Spec = ValidCronJob.Spec with { JobTemplate = ValidCronJob.Spec.JobTemplate with { Spec = ValidCronJob.Spec.JobTemplate.Spec with { Selector = WebSelector } } },
        }, "spec.jobTemplate.spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"web\"}}: `selector` will be auto-generated");
        yield return Case("cronjob name too long", ValidCronJob with { Metadata = Meta(new string('a', 53)) },
            $"metadata.name: Invalid value: \"{new string('a', 53)}\": must be no more than 52 characters");
    }

    [TestCaseSource(nameof(InvalidObjects))]
    public void Validate_InvalidField_ReportsKubernetesFieldError(KubernetesObject obj, string expected)
    {
        var errors = Validate(obj);

        Assert.That(errors, Has.Member(expected), string.Join("\n", errors));
    }
}
