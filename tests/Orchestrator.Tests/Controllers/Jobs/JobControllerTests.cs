using System.Collections.Concurrent;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;
using static Orchestrator.Tests.Controllers.Jobs.BatchFixtures;

namespace Orchestrator.Tests.Controllers.Jobs;

/// <summary>
/// The Job controller on a mini-cluster (store, scheduler, simulated nodes, garbage collector) with a fake clock: pods
/// exit when the test advances the clock past their <c>exit-after</c>.
/// </summary>
[CancelAfter(60_000)]
public sealed class JobControllerTests
{
    private FakeTimeProvider _time = null!;
    private TestCluster _cluster = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider();
        _cluster = await TestCluster.StartAsync(s => s.AddJobController(), nodes: 2, time: _time);
    }

    [TearDown]
    public async Task TearDown() => await _cluster.DisposeAsync();

    [Test]
    public async Task Reconcile_CompletionsWithParallelism_RunsAtMostParallelismAndCompletes(CancellationToken ct)
    {
        using var observer = ActivePodObserver.Watch(_cluster.Store, "batch");
        await _cluster.Store.CreateAsync(Job("batch", Template(exitAfter: "10s"), completions: 5, parallelism: 2), ct);

        // Each round: the running pods exit successfully, and the controller starts the next ones.
        for (var round = 0; round < 3; round++)
        {
            var (done, expected) = (2 * round, Math.Min(2, 5 - 2 * round));
            await _cluster.UntilAsync(() => Succeeded("batch") == done && _cluster.RunningPodsOf("batch").Count == expected,
                $"{done} pods succeeded and {expected} run", ct);
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        var job = await _cluster.UntilAsync<Job>(Ns, "batch", j => j.TrueCondition(JobConditionType.Complete) is not null, "is Complete", ct);
        Assert.Multiple(() =>
        {
            Assert.That(job.Status!.Succeeded, Is.EqualTo(5));
            Assert.That(job.Status.Failed, Is.Zero);
            Assert.That(job.Status.Active, Is.Zero);
            Assert.That(job.Status.CompletionTime, Is.EqualTo(_time.GetUtcNow()));
            Assert.That(job.Status.StartTime, Is.Not.Null);
            Assert.That(job.Status.UncountedTerminatedPods, Is.Null, "every finished pod is counted");
            Assert.That(observer.MaxActive, Is.EqualTo(2), "never more than parallelism pods at once");
            Assert.That(_cluster.PodsOf("batch"), Has.Count.EqualTo(5), "one pod per completion");
            Assert.That(_cluster.PodsOf("batch").SelectMany(p => p.Metadata.Finalizers), Has.None.EqualTo(WellKnownLabels.JobTrackingFinalizer));
        });
    }

    [Test]
    public async Task Reconcile_PodsKeepFailing_BacksOffExponentiallyThenFailsWithBackoffLimitExceeded(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(Job("flaky", Template(exitAfter: "1s", exitCode: 1), backoffLimit: 2), ct);

        // Failure 1 at t+1s; the replacement waits 10 s. Failure 2; the next waits 20 s. Failure 3 exceeds the limit of 2.
        foreach (var (failures, backoff) in new[] { (1, 10), (2, 20) })
        {
            await _cluster.UntilAsync(() => _cluster.RunningPodsOf("flaky").Count == 1, $"attempt {failures} runs", ct);
            _time.Advance(TimeSpan.FromSeconds(1));
            await _cluster.UntilAsync<Job>(Ns, "flaky", j => j.Status?.Failed == failures, $"has {failures} failed pods", ct);
            await Scheduled(ct);
            _time.Advance(TimeSpan.FromSeconds(backoff - 1));
            Assert.That(_cluster.PodsOf("flaky"), Has.Count.EqualTo(failures), "no replacement before the back-off ends");
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        await _cluster.UntilAsync(() => _cluster.RunningPodsOf("flaky").Count == 1, "attempt 3 runs", ct);
        _time.Advance(TimeSpan.FromSeconds(1));

        var job = await _cluster.UntilAsync<Job>(Ns, "flaky", j => j.TrueCondition(JobConditionType.Failed) is not null, "is Failed", ct);
        var failed = job.TrueCondition(JobConditionType.Failed)!;
        Assert.Multiple(() =>
        {
            Assert.That(failed.Reason, Is.EqualTo("BackoffLimitExceeded"));
            Assert.That(failed.Message, Is.EqualTo("Job has reached the specified backoff limit"));
            Assert.That(job.Status!.Failed, Is.EqualTo(3));
            Assert.That(job.Status.CompletionTime, Is.Null);
            Assert.That(job.TrueCondition(JobConditionType.Complete), Is.Null);
        });
        await _cluster.UntilAsync(() => _cluster.EventsFor(Ns, "flaky").Any(e => e.Reason == "BackoffLimitExceeded"), "a BackoffLimitExceeded event", ct);
    }

    [Test]
    public async Task Reconcile_ActiveDeadlineExceeded_FailsWithDeadlineExceededAndDeletesPods(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(Job("slow", Template(), parallelism: 2, completions: 2, activeDeadlineSeconds: 30), ct);
        await _cluster.UntilAsync(() => _cluster.RunningPodsOf("slow").Count == 2, "two pods run", ct);
        await Scheduled(ct);

        _time.Advance(TimeSpan.FromSeconds(29));
        var running = await _cluster.UntilAsync<Job>(Ns, "slow", j => j.Status?.Active == 2, "counts two active pods", ct);
        Assert.That(running.IsFinished(), Is.False, "the deadline has not passed yet");
        _time.Advance(TimeSpan.FromSeconds(1));

        var job = await _cluster.UntilAsync<Job>(Ns, "slow", j => j.TrueCondition(JobConditionType.Failed) is not null, "is Failed", ct);
        Assert.That(job.TrueCondition(JobConditionType.Failed)!.Reason, Is.EqualTo("DeadlineExceeded"));
        await _cluster.UntilAsync(() => _cluster.ActivePods(Ns, $"{WellKnownLabels.JobName}=slow").Count == 0, "the active pods are deleted", ct);
    }

    [Test]
    public async Task Reconcile_WorkQueueMode_NoNewPodsOnceOneSucceeded(CancellationToken ct)
    {
        await _cluster.DisposeAsync();
        // The first worker's process exits after 5 s, the others after 20 s.
        var started = 0;
        _cluster = await TestCluster.StartAsync(s => s.AddJobController(), nodes: 2, time: _time, configureNodes: o => o.Behavior = context =>
            context.Container is null ? context.FromAnnotations
                : context.FromAnnotations with { ExitAfter = Interlocked.Increment(ref started) == 1 ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(20) });
        await _cluster.Store.CreateAsync(Job("queue", Template(), parallelism: 3), ct);
        await _cluster.UntilAsync(() => _cluster.RunningPodsOf("queue").Count == 3, "three workers run", ct);

        _time.Advance(TimeSpan.FromSeconds(5));
        var partial = await _cluster.UntilAsync<Job>(Ns, "queue", j => j.Status?.Succeeded == 1, "counts the first success", ct);
        Assert.Multiple(() =>
        {
            Assert.That(partial.IsFinished(), Is.False, "two workers still run");
            Assert.That(partial.Status!.Active, Is.EqualTo(2));
            Assert.That(_cluster.PodsOf("queue"), Has.Count.EqualTo(3), "no new worker after a success");
        });

        _time.Advance(TimeSpan.FromSeconds(15));
        var job = await _cluster.UntilAsync<Job>(Ns, "queue", j => j.TrueCondition(JobConditionType.Complete) is not null, "is Complete", ct);
        Assert.That(job.Status!.Succeeded, Is.EqualTo(3));
        Assert.That(_cluster.PodsOf("queue"), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Reconcile_SuspendAndResume_DeletesPodsThenRestartsClock(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(Job("paused", Template(), parallelism: 2, completions: 4, suspend: true), ct);
        var suspended = await _cluster.UntilAsync<Job>(Ns, "paused", j => j.TrueCondition(JobConditionType.Suspended) is not null, "is Suspended", ct);
        Assert.Multiple(() =>
        {
            Assert.That(suspended.Status!.StartTime, Is.Null, "a Job created suspended has not started");
            Assert.That(_cluster.PodsOf("paused"), Is.Empty);
        });

        await Resume("paused", true, ct);
        var resumed = await _cluster.UntilAsync<Job>(Ns, "paused", j => j.Status?.GetCondition(JobConditionType.Suspended)?.Status == ConditionStatus.False,
            "is resumed", ct);
        var firstStart = resumed.Status!.StartTime;
        Assert.That(resumed.Status.GetCondition(JobConditionType.Suspended)!.Reason, Is.EqualTo("JobResumed"));
        await _cluster.UntilAsync(() => _cluster.RunningPodsOf("paused").Count == 2, "two pods run", ct);

        await Resume("paused", false, ct);
        await _cluster.UntilAsync<Job>(Ns, "paused", j => j.TrueCondition(JobConditionType.Suspended) is not null, "is suspended again", ct);
        await _cluster.UntilAsync(() => _cluster.ActivePods(Ns, $"{WellKnownLabels.JobName}=paused").Count == 0, "its pods are deleted", ct);

        _time.Advance(TimeSpan.FromMinutes(5));
        await Resume("paused", true, ct);
        var again = await _cluster.UntilAsync<Job>(Ns, "paused", j => j.Status?.GetCondition(JobConditionType.Suspended)?.Status == ConditionStatus.False,
            "is resumed again", ct);
        Assert.Multiple(() =>
        {
            Assert.That(again.Status!.StartTime, Is.EqualTo(firstStart!.Value.AddMinutes(5)), "resuming restarts status.startTime");
            Assert.That(again.Status.Failed, Is.Zero, "pods stopped by a suspension are not failures");
        });
        await _cluster.UntilAsync(() => _cluster.RunningPodsOf("paused").Count == 2, "two pods run again", ct);
    }

    [Test]
    public async Task Reconcile_TtlSecondsAfterFinished_DeletesJobAndPodsWhenTtlExpires(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(Job("short", Template(exitAfter: "1s"), ttlSecondsAfterFinished: 60), ct);
        await _cluster.UntilAsync(() => _cluster.RunningPodsOf("short").Count == 1, "the pod runs", ct);
        _time.Advance(TimeSpan.FromSeconds(1));
        await _cluster.UntilAsync<Job>(Ns, "short", j => j.TrueCondition(JobConditionType.Complete) is not null, "is Complete", ct);
        await Scheduled(ct);

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.That(_cluster.Get<Job>(Ns, "short"), Is.Not.Null, "kept until the TTL has passed");
        _time.Advance(TimeSpan.FromSeconds(1));

        await _cluster.UntilAsync(() => _cluster.Get<Job>(Ns, "short") is null, "the Job is deleted", ct);
        await _cluster.UntilAsync(() => _cluster.PodsOf("short").Count == 0, "its pod is deleted", ct);
    }

    [Test]
    public async Task Reconcile_IndexedJob_RunsOnePodPerIndexWithIdentity(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(Job("indexed", Template(exitAfter: "5s"), completions: 3, parallelism: 3, completionMode: JobCompletionMode.Indexed), ct);
        await _cluster.UntilAsync(() => _cluster.RunningPodsOf("indexed").Count == 3, "three pods run", ct);
        var pods = _cluster.RunningPodsOf("indexed").OrderBy(p => p.Metadata.Annotations[WellKnownLabels.JobCompletionIndex]).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(pods.Select(p => p.Metadata.Annotations[WellKnownLabels.JobCompletionIndex]), Is.EqualTo(new[] { "0", "1", "2" }));
            Assert.That(pods.Select(p => p.Metadata.Labels[WellKnownLabels.JobCompletionIndex]), Is.EqualTo(new[] { "0", "1", "2" }));
            Assert.That(pods.Select(p => p.Spec.Hostname), Is.EqualTo(new[] { "indexed-0", "indexed-1", "indexed-2" }));
            Assert.That(pods.Select(p => p.Metadata.Name), Has.All.Match("^indexed-[0-2]-"));
            Assert.That(pods[1].Spec.Containers[0].Env.Single(e => e.Name == "JOB_COMPLETION_INDEX").ValueFrom!.FieldRef!.FieldPath,
                Is.EqualTo($"metadata.annotations['{WellKnownLabels.JobCompletionIndex}']"));
        });

        // Index 1 fails once (its pod is deleted) and waits out the 10 s back-off; indexes 0 and 2 succeed at 5 s, and a
        // success resets the back-off (Kubernetes newBackoffRecord), so index 1 runs again at once.
        await _cluster.Store.DeleteAsync<Pod>(Ns, pods[1].Metadata.Name!, null, ct);
        await _cluster.UntilAsync<Job>(Ns, "indexed", j => j.Status?.Failed == 1, "counts the failure of index 1", ct);
        await Scheduled(ct);
        Assert.That(_cluster.PodsOf("indexed").Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Metadata.Labels[WellKnownLabels.JobCompletionIndex]),
            Is.EquivalentTo(new[] { "0", "2" }), "index 1 is held back by the back-off");
        _time.Advance(TimeSpan.FromSeconds(5));
        var partial = await _cluster.UntilAsync<Job>(Ns, "indexed", j => j.Status?.Succeeded == 2, "indexes 0 and 2 succeeded", ct);
        Assert.That(partial.Status!.CompletedIndexes, Is.EqualTo("0,2"));
        await _cluster.UntilAsync(() => _cluster.RunningPodsOf("indexed").Any(p => p.Metadata.Labels[WellKnownLabels.JobCompletionIndex] == "1"),
            "index 1 runs again", ct);
        _time.Advance(TimeSpan.FromSeconds(5));

        var job = await _cluster.UntilAsync<Job>(Ns, "indexed", j => j.TrueCondition(JobConditionType.Complete) is not null, "is Complete", ct);
        Assert.Multiple(() =>
        {
            Assert.That(job.Status!.CompletedIndexes, Is.EqualTo("0-2"));
            Assert.That(job.Status.Succeeded, Is.EqualTo(3));
            Assert.That(job.Status.Failed, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Reconcile_RestartPolicyOnFailure_ContainerRestartsCountTowardsBackoffLimit(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(Job("crashy", Template(exitAfter: "1s", exitCode: 1, restartPolicy: RestartPolicy.OnFailure), backoffLimit: 1), ct);
        await _cluster.UntilAsync(() => _cluster.RunningPodsOf("crashy").Count == 1, "the pod runs", ct);

        // The container exits; the node agent restarts it in place (after its own back-off): that restart reaches the limit of 1.
        _time.Advance(TimeSpan.FromSeconds(1));
        await _cluster.UntilAsync(() => _cluster.Get<Job>(Ns, "crashy")!.IsFinished() ||
            _cluster.PodsOf("crashy").SingleOrDefault()?.Status?.ContainerStatuses.SingleOrDefault()?.State.Running is null, "the container exited", ct);
        // The node agent restarts it after its own back-off, on the fake clock.
        await _cluster.UntilTickingAsync(() => _cluster.Get<Job>(Ns, "crashy")!.IsFinished(), "the Job fails", TimeSpan.FromSeconds(10), ct);

        var job = await _cluster.UntilAsync<Job>(Ns, "crashy", j => j.TrueCondition(JobConditionType.Failed) is not null, "is Failed", ct);
        Assert.Multiple(() =>
        {
            Assert.That(job.TrueCondition(JobConditionType.Failed)!.Reason, Is.EqualTo("BackoffLimitExceeded"));
            Assert.That(job.Status!.Failed, Is.LessThanOrEqualTo(1), "the container restarted in place: no pod failed before");
        });
        // The one pod, deleted when the Job failed, is its only failure: there never was a second pod.
        var final = await _cluster.UntilAsync<Job>(Ns, "crashy", j => j.Status?.Failed == 1 && j.Status.Active == 0, "counts the deleted pod as failed", ct);
        Assert.That(final.Status!.Succeeded, Is.Zero);
    }

    /// <summary>Waits until the Job controller has registered the requeue it computed from the present.</summary>
    private Task Scheduled(CancellationToken ct) => _cluster.UntilScheduledAsync(JobReconciler.Name, 1, ct);

    private int Succeeded(string job) => _cluster.PodsOf(job).Count(p => p.Status?.Phase == PodPhase.Succeeded);

    private Task Resume(string name, bool resume, CancellationToken ct) =>
        _cluster.Store.UpdateWithRetryAsync<Job>(Ns, name, j => j with { Spec = j.Spec with { Suspend = !resume } }, ct).AsTask();

    /// <summary>Watches a Job's pods and records the most that were active (not finished, not being deleted) at once.</summary>
    private sealed class ActivePodObserver : IObserver<WatchEvent<Pod>>, IDisposable
    {
        private readonly ConcurrentDictionary<string, bool> _active = new();
        private readonly string _job;
        private IDisposable? _subscription;
        private int _max;

        private ActivePodObserver(string job) => _job = job;

        public int MaxActive => Volatile.Read(ref _max);

        public static ActivePodObserver Watch(IObjectStore store, string job)
        {
            var observer = new ActivePodObserver(job);
            observer._subscription = store.Watch<Pod>(new WatchOptions { Namespace = Ns }).Subscribe(observer);
            return observer;
        }

        public void OnNext(WatchEvent<Pod> value)
        {
            var pod = value.Object;
            if (pod is null || !pod.Metadata.Labels.TryGetValue(WellKnownLabels.JobName, out var job) || job != _job) return;
            var active = value.Type != WatchEventType.Deleted && pod.Metadata.DeletionTimestamp is null && !pod.IsTerminal();
            if (active) _active[pod.Metadata.Name!] = true;
            else _active.TryRemove(pod.Metadata.Name!, out _);
            var count = _active.Count;
            int max;
            while (count > (max = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, count, max) != max)
            {
            }
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }

        public void Dispose() => _subscription?.Dispose();
    }
}
