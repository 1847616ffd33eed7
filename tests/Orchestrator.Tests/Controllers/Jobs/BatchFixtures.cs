using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Runtime.Simulated;
using Orchestrator.Tests.Testing;

namespace Orchestrator.Tests.Controllers.Jobs;

/// <summary>Jobs, CronJobs and pod templates for the batch controller tests; pods are programmed by simulation annotations.</summary>
internal static class BatchFixtures
{
    public const string Ns = "default";

    /// <summary>A pod template of one container whose process exits <paramref name="exitAfter"/> after it started (never when null).</summary>
    public static PodTemplateSpec Template(string? exitAfter = null, int exitCode = 0, string restartPolicy = RestartPolicy.Never)
    {
        var annotations = ImmutableDictionary<string, string>.Empty;
        if (exitAfter is not null)
        {
            annotations = annotations
                .Add(SimulatedAnnotations.ExitAfter, exitAfter)
                .Add(SimulatedAnnotations.ExitCode, exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return new PodTemplateSpec
        {
            Metadata = new ObjectMeta { Annotations = annotations },
            Spec = new PodSpec
            {
                RestartPolicy = restartPolicy,
                Containers = [new Container { Name = "work", Image = TestCluster.Image }],
            },
        };
    }

    public static Job Job(string name, PodTemplateSpec template, int? completions = null, int? parallelism = null, int? backoffLimit = null,
        long? activeDeadlineSeconds = null, int? ttlSecondsAfterFinished = null, bool? suspend = null, string? completionMode = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = Ns },
        Spec = new JobSpec
        {
            Completions = completions,
            Parallelism = parallelism,
            BackoffLimit = backoffLimit,
            ActiveDeadlineSeconds = activeDeadlineSeconds,
            TtlSecondsAfterFinished = ttlSecondsAfterFinished,
            Suspend = suspend,
            CompletionMode = completionMode,
            Template = template,
        },
    };

    public static CronJob CronJob(string name, string schedule, PodTemplateSpec template, string concurrencyPolicy = ConcurrencyPolicy.Allow,
        long? startingDeadlineSeconds = null, bool suspend = false, int successfulJobsHistoryLimit = 3, int failedJobsHistoryLimit = 1,
        string? timeZone = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = Ns },
        Spec = new CronJobSpec
        {
            Schedule = schedule,
            TimeZone = timeZone,
            ConcurrencyPolicy = concurrencyPolicy,
            StartingDeadlineSeconds = startingDeadlineSeconds,
            Suspend = suspend,
            SuccessfulJobsHistoryLimit = successfulJobsHistoryLimit,
            FailedJobsHistoryLimit = failedJobsHistoryLimit,
            JobTemplate = new JobTemplateSpec { Spec = new JobSpec { Template = template } },
        },
    };

    /// <summary>The pods of the Job named <paramref name="job"/>, from the store.</summary>
    public static IReadOnlyList<Pod> PodsOf(this TestCluster cluster, string job) =>
        cluster.List<Pod>(Ns, $"{WellKnownLabels.JobName}={job}");

    /// <summary>The Job's pods that are running (phase Running, not being deleted).</summary>
    public static IReadOnlyList<Pod> RunningPodsOf(this TestCluster cluster, string job) =>
        [.. cluster.PodsOf(job).Where(p => p.Status?.Phase == PodPhase.Running && p.Metadata.DeletionTimestamp is null)];

    /// <summary>The condition of <paramref name="type"/> when it is True, else null.</summary>
    public static JobCondition? TrueCondition(this Job job, string type) =>
        job.Status?.GetCondition(type) is { Status: ConditionStatus.True } condition ? condition : null;
}
