using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;
using Orchestrator.Tests.Controllers.Jobs;
using static Orchestrator.Tests.Controllers.Jobs.BatchFixtures;

namespace Orchestrator.Tests.Controllers.CronJobs;

/// <summary>
/// The CronJob controller with the Job controller on a mini-cluster and a fake clock that starts at 2026-01-01 00:00 UTC;
/// each test advances the clock across schedule boundaries and waits for the Job of each time before moving on.
/// </summary>
[CancelAfter(60_000)]
public sealed class CronJobControllerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private FakeTimeProvider _time = null!;
    private TestCluster _cluster = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider(Start);
        _cluster = await TestCluster.StartAsync(s => s.AddJobController().AddCronJobController(), nodes: 2, time: _time);
    }

    [TearDown]
    public async Task TearDown() => await _cluster.DisposeAsync();

    [Test]
    public async Task Reconcile_ClockCrossesScheduleTimes_CreatesOneJobPerTime(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(CronJob("every5", "*/5 * * * *", Template()), ct);

        await Scheduled(1, ct);
        _time.Advance(TimeSpan.FromMinutes(5));
        var first = await UntilJobAsync("every5", Start.AddMinutes(5), ct);
        Assert.Multiple(() =>
        {
            Assert.That(first.Metadata.Name, Is.EqualTo($"every5-{Start.AddMinutes(5).ToUnixTimeSeconds() / 60}"));
            Assert.That(first.Metadata.Annotations[WellKnownLabels.CronJobScheduledTimestamp], Is.EqualTo("2026-01-01T00:05:00Z"));
            Assert.That(first.Metadata.OwnerReferences.Single().Kind, Is.EqualTo("CronJob"));
        });
        var status = (await _cluster.UntilAsync<CronJob>(Ns, "every5", c => c.Status?.Active.Count == 1, "lists the Job as active", ct)).Status!;
        Assert.That(status.LastScheduleTime, Is.EqualTo(Start.AddMinutes(5)));

        await Scheduled(1, ct);
        _time.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(59));
        Assert.That(JobsOf("every5"), Has.Count.EqualTo(1), "nothing runs between two schedule times");
        _time.Advance(TimeSpan.FromSeconds(1));
        await UntilJobAsync("every5", Start.AddMinutes(10), ct);

        var cronJob = await _cluster.UntilAsync<CronJob>(Ns, "every5", c => c.Status?.Active.Count == 2, "lists both Jobs (Allow)", ct);
        Assert.That(cronJob.Status!.LastScheduleTime, Is.EqualTo(Start.AddMinutes(10)));
        Assert.That(JobsOf("every5"), Has.Count.EqualTo(2));
        await _cluster.UntilAsync(() => _cluster.EventsFor(Ns, "every5").Count(e => e.Reason == "SuccessfulCreate") == 2, "two SuccessfulCreate events", ct);
    }

    [Test]
    public async Task Reconcile_ForbidWhileJobActive_SkipsTheRun(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(CronJob("forbid", "*/5 * * * *", Template(), ConcurrencyPolicy.Forbid), ct);
        await Scheduled(1, ct);
        _time.Advance(TimeSpan.FromMinutes(5));
        await UntilJobAsync("forbid", Start.AddMinutes(5), ct);

        await Scheduled(1, ct);
        _time.Advance(TimeSpan.FromMinutes(5));

        await _cluster.UntilAsync(() => _cluster.EventsFor(Ns, "forbid").Any(e => e.Reason == "JobAlreadyActive"), "a JobAlreadyActive event", ct);
        Assert.Multiple(() =>
        {
            Assert.That(JobsOf("forbid").Select(j => j.Metadata.Name), Is.EqualTo(new[] { JobName("forbid", Start.AddMinutes(5)) }));
            Assert.That(_cluster.Get<CronJob>(Ns, "forbid")!.Status!.LastScheduleTime, Is.EqualTo(Start.AddMinutes(5)), "the skipped time is not recorded");
        });
    }

    [Test]
    public async Task Reconcile_ReplaceWhileJobActive_DeletesItAndStartsNew(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(CronJob("replace", "*/5 * * * *", Template(), ConcurrencyPolicy.Replace), ct);
        await Scheduled(1, ct);
        _time.Advance(TimeSpan.FromMinutes(5));
        var first = await UntilJobAsync("replace", Start.AddMinutes(5), ct);

        await Scheduled(1, ct);
        _time.Advance(TimeSpan.FromMinutes(5));
        var second = await UntilJobAsync("replace", Start.AddMinutes(10), ct);

        await _cluster.UntilAsync(() => _cluster.Get<Job>(Ns, first.Metadata.Name!) is null, "the first Job is deleted", ct);
        var cronJob = await _cluster.UntilAsync<CronJob>(Ns, "replace", c => c.Status?.Active.Count == 1 && c.Status.Active[0].Uid == second.Metadata.Uid,
            "lists only the new Job", ct);
        Assert.That(cronJob.Status!.LastScheduleTime, Is.EqualTo(Start.AddMinutes(10)));
    }

    [Test]
    public async Task Reconcile_AfterDowntimeWithoutDeadline_RunsOnlyTheMostRecentMissedTime(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(CronJob("hourly", "0 * * * *", Template(), suspend: true), ct);
        _time.Advance(TimeSpan.FromHours(3.5));

        await SetSuspendAsync("hourly", false, ct);

        var job = await UntilJobAsync("hourly", Start.AddHours(3), ct);
        Assert.That(JobsOf("hourly").Select(j => j.Metadata.Name), Is.EqualTo(new[] { job.Metadata.Name }), "01:00 and 02:00 are not run");
        await _cluster.UntilAsync<CronJob>(Ns, "hourly", c => c.Status?.LastScheduleTime == Start.AddHours(3), "records 03:00", ct);

        await Scheduled(1, ct);
        _time.Advance(TimeSpan.FromMinutes(30));
        await UntilJobAsync("hourly", Start.AddHours(4), ct);
    }

    [Test]
    public async Task Reconcile_AfterDowntimeBeyondStartingDeadline_SkipsTheMissedTime(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(CronJob("late", "0 * * * *", Template(), startingDeadlineSeconds: 600, suspend: true), ct);
        _time.Advance(TimeSpan.FromHours(3.5));

        await SetSuspendAsync("late", false, ct);
        await Scheduled(1, ct);
        _time.Advance(TimeSpan.FromMinutes(30));

        var job = await UntilJobAsync("late", Start.AddHours(4), ct);
        Assert.That(JobsOf("late").Select(j => j.Metadata.Name), Is.EqualTo(new[] { job.Metadata.Name }),
            "03:00 was missed by more than the 10 min deadline: skipped");
    }

    [Test]
    public async Task Reconcile_AfterDowntimeWithinStartingDeadline_RunsTheMissedTime(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(CronJob("lenient", "0 * * * *", Template(), startingDeadlineSeconds: 3600, suspend: true), ct);
        _time.Advance(TimeSpan.FromHours(3.5));

        await SetSuspendAsync("lenient", false, ct);

        await UntilJobAsync("lenient", Start.AddHours(3), ct);
        Assert.That(JobsOf("lenient"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Reconcile_MoreThanHundredMissedTimes_WarnsAndRunsOnlyTheLatest(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(CronJob("minutely", "* * * * *", Template(), suspend: true), ct);
        _time.Advance(TimeSpan.FromHours(3));

        await SetSuspendAsync("minutely", false, ct);

        await UntilJobAsync("minutely", Start.AddHours(3), ct);
        await _cluster.UntilAsync(() => _cluster.EventsFor(Ns, "minutely").Any(e => e.Reason == "TooManyMissedTimes"), "a TooManyMissedTimes warning", ct);
        Assert.That(JobsOf("minutely"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Reconcile_FinishedJobsBeyondHistoryLimits_DeletesOldest(CancellationToken ct)
    {
        var failing = Template(exitAfter: "1s", exitCode: 1);
        var failingCron = CronJob("fails", "*/5 * * * *", failing, failedJobsHistoryLimit: 1);
        failingCron = failingCron with
        {
            Spec = failingCron.Spec with { JobTemplate = failingCron.Spec.JobTemplate with { Spec = failingCron.Spec.JobTemplate.Spec with { BackoffLimit = 0 } } },
        };
        await _cluster.Store.CreateAsync(CronJob("works", "*/5 * * * *", Template(exitAfter: "1s"), successfulJobsHistoryLimit: 2), ct);
        await _cluster.Store.CreateAsync(failingCron, ct);

        for (var run = 1; run <= 4; run++)
        {
            await Scheduled(2, ct);
            _time.Advance(TimeSpan.FromMinutes(5) - (run == 1 ? TimeSpan.Zero : TimeSpan.FromSeconds(1)));
            var at = Start.AddMinutes(5 * run);
            await UntilJobAsync("works", at, ct);
            await UntilJobAsync("fails", at, ct);
            await _cluster.UntilAsync(() => _cluster.RunningPodsOf(JobName("works", at)).Count == 1 && _cluster.RunningPodsOf(JobName("fails", at)).Count == 1,
                $"the pods of run {run} run", ct);
            _time.Advance(TimeSpan.FromSeconds(1));
            await _cluster.UntilAsync<Job>(Ns, JobName("works", at), j => j.IsFinished(), $"run {run} of works finishes", ct);
            await _cluster.UntilAsync<Job>(Ns, JobName("fails", at), j => j.IsFinished(), $"run {run} of fails finishes", ct);
        }
        // The last runs' completion wakes the CronJobs, which then trim their history.
        await _cluster.UntilAsync(() => JobsOf("works").Count == 2 && JobsOf("fails").Count == 1, "the history is trimmed", ct);

        Assert.Multiple(() =>
        {
            Assert.That(JobsOf("works").Select(j => j.Metadata.Name), Is.EquivalentTo(new[] { JobName("works", Start.AddMinutes(15)), JobName("works", Start.AddMinutes(20)) }));
            Assert.That(JobsOf("fails").Select(j => j.Metadata.Name), Is.EqualTo(new[] { JobName("fails", Start.AddMinutes(20)) }));
            Assert.That(JobsOf("fails").Single().TrueCondition(JobConditionType.Failed), Is.Not.Null);
        });
        var works = await _cluster.UntilAsync<CronJob>(Ns, "works", c => c.Status?.LastSuccessfulTime is not null && c.Status.Active.Count == 0,
            "records the last success", ct);
        Assert.That(works.Status!.LastSuccessfulTime, Is.EqualTo(Start.AddMinutes(20).AddSeconds(1)));
    }

    [Test]
    public async Task Reconcile_WithTimeZone_SchedulesOnThatWallClock(CancellationToken ct)
    {
        // 00:00 UTC is 09:00 in Tokyo: the next 09:00 there is 24 hours later.
        await _cluster.Store.CreateAsync(CronJob("tokyo", "0 9 * * *", Template(), timeZone: "Asia/Tokyo"), ct);

        await Scheduled(1, ct);
        _time.Advance(TimeSpan.FromHours(24));

        var job = await UntilJobAsync("tokyo", Start.AddDays(1), ct);
        Assert.That(job.Metadata.Annotations[WellKnownLabels.CronJobScheduledTimestamp], Is.EqualTo("2026-01-02T09:00:00+09:00"));
    }

    /// <summary>Waits until the controller has scheduled its next look at the CronJobs, so moving the clock cannot skip it.</summary>
    private Task Scheduled(int cronJobs, CancellationToken ct) => _cluster.UntilScheduledAsync(CronJobReconciler.Name, cronJobs, ct);

    private static string JobName(string cronJob, DateTimeOffset scheduled) => $"{cronJob}-{scheduled.ToUnixTimeSeconds() / 60}";

    private IReadOnlyList<Job> JobsOf(string cronJob) =>
        [.. _cluster.List<Job>(Ns).Where(j => j.Metadata.OwnerReferences.Any(o => o.Kind == "CronJob" && o.Name == cronJob) && j.Metadata.DeletionTimestamp is null)];

    private Task<Job> UntilJobAsync(string cronJob, DateTimeOffset scheduled, CancellationToken ct) =>
        _cluster.UntilAsync<Job>(Ns, JobName(cronJob, scheduled), _ => true, $"is created for {scheduled:HH:mm}", ct);

    private Task SetSuspendAsync(string name, bool suspend, CancellationToken ct) =>
        _cluster.Store.UpdateWithRetryAsync<CronJob>(Ns, name, c => c with { Spec = c.Spec with { Suspend = suspend } }, ct).AsTask();
}
