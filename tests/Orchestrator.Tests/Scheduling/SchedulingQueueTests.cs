using Orchestrator.Api;
using Orchestrator.Scheduling;
using Orchestrator.Tests.Testing;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling;

public sealed class SchedulingQueueTests
{
    private readonly FakeTimeProvider _time = new();

    private SchedulingQueue Queue() => new(new SchedulerOptions(), _time);

    private static List<string> Drain(SchedulingQueue queue)
    {
        var names = new List<string>();
        while (queue.TryPop(out var next)) names.Add(next.Pod.Metadata.Name!);
        return names;
    }

    [Test]
    public void TryPop_EqualPriority_ArrivalOrder()
    {
        var queue = Queue();
        foreach (var name in new[] { "c", "a", "b" }) queue.AddOrUpdate(Pod(name));

        Assert.That(Drain(queue), Is.EqualTo(new[] { "c", "a", "b" }));
    }

    [Test]
    public void TryPop_HigherPriorityFirst_ThenArrival()
    {
        var queue = Queue();
        queue.AddOrUpdate(Pod("low-1", priority: 0));
        queue.AddOrUpdate(Pod("high", priority: 1000));
        queue.AddOrUpdate(Pod("low-2"));
        queue.AddOrUpdate(Pod("negative", priority: -5));

        Assert.That(Drain(queue), Is.EqualTo(new[] { "high", "low-1", "low-2", "negative" }));
    }

    [Test]
    public void AddOrUpdate_QueuedPod_IsNotDuplicated()
    {
        var queue = Queue();
        queue.AddOrUpdate(Pod("a"));
        queue.AddOrUpdate(Pod("a", labels: Labels("x=y")));

        Assert.That(Drain(queue), Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void Delete_RemovesPendingPod()
    {
        var queue = Queue();
        queue.AddOrUpdate(Pod("a"));
        queue.AddOrUpdate(Pod("b"));

        queue.Delete("default/a");

        Assert.That(Drain(queue), Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public void MoveUnschedulable_AfterBackoff_ReturnsPodToActiveQueue()
    {
        var queue = Queue();
        queue.AddOrUpdate(Pod("a"));
        queue.TryPop(out var attempt);
        queue.AddUnschedulable(attempt, attempt.Pod);
        Assert.That(queue.TryPop(out _), Is.False, "an unschedulable pod waits");

        queue.MoveUnschedulable();
        Assert.That(queue.TryPop(out _), Is.False, "still backing off (1 s)");

        _time.Advance(TimeSpan.FromSeconds(1));
        queue.Flush();

        Assert.That(queue.TryPop(out var retried), Is.True);
        Assert.That(retried.Attempts, Is.EqualTo(1));
    }

    [Test]
    public void Flush_UnschedulablePod_RetriedAfterInterval()
    {
        var queue = Queue();
        queue.AddOrUpdate(Pod("a"));
        queue.TryPop(out var attempt);
        queue.AddUnschedulable(attempt, attempt.Pod);

        _time.Advance(TimeSpan.FromSeconds(59));
        queue.Flush();
        Assert.That(queue.TryPop(out _), Is.False);

        _time.Advance(TimeSpan.FromSeconds(1));
        queue.Flush();
        Assert.That(queue.TryPop(out _), Is.True);
    }

    [Test]
    public void AddBackoff_RepeatedFailures_DoubleTheBackoffUpToMax()
    {
        var queue = Queue();
        queue.AddOrUpdate(Pod("a"));
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            queue.TryPop(out var attempt);
            var failedAt = _time.GetUtcNow();
            queue.AddBackoff(attempt, attempt.Pod);
            waits.Add(queue.NextBackoffExpiry()!.Value - failedAt);
            _time.Advance(waits[^1]);
            queue.Flush();
        }

        Assert.That(waits.Select(w => w.TotalSeconds), Is.EqualTo(new double[] { 1, 2, 4, 8, 10, 10 }));
    }

    [Test]
    public void MoveUnschedulable_WithFilter_MovesOnlySelectedPods()
    {
        var queue = new SchedulingQueue(new SchedulerOptions { PodInitialBackoff = TimeSpan.Zero }, _time);
        queue.AddOrUpdate(Pod("a"));
        queue.AddOrUpdate(Pod("b", labels: Labels("move=yes")));
        queue.TryPop(out var a);
        queue.TryPop(out var b);
        queue.AddUnschedulable(a, a.Pod);
        queue.AddUnschedulable(b, b.Pod);

        queue.MoveUnschedulable(p => p.Metadata.Labels.ContainsKey("move"));

        Assert.That(Drain(queue), Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public void AddOrUpdate_UnschedulablePodWithStatusOnlyChange_StaysUnschedulable()
    {
        var queue = new SchedulingQueue(new SchedulerOptions { PodInitialBackoff = TimeSpan.Zero }, _time);
        queue.AddOrUpdate(Pod("a"));
        queue.TryPop(out var attempt);
        queue.AddUnschedulable(attempt, attempt.Pod);

        queue.AddOrUpdate(attempt.Pod with { Status = new PodStatus { Phase = PodPhase.Pending } });
        Assert.That(queue.TryPop(out _), Is.False);

        queue.AddOrUpdate(attempt.Pod with { Spec = attempt.Pod.Spec with { NodeSelector = Labels("disk=ssd") } });
        Assert.That(queue.TryPop(out _), Is.True, "a spec change may make the pod fit");
    }
}
