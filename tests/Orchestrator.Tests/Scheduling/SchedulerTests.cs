using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Orchestrator.Api;
using Orchestrator.Scheduling;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling;

[CancelAfter(30_000)]
public sealed class SchedulerTests
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [Test]
    public async Task Scheduler_PendingPod_IsBoundWithConditionAndEvent()
    {
        await using var cluster = await SchedulerHarness.StartAsync();
        await cluster.CreateAsync(Node("node-1"));

        await cluster.CreateAsync(Pod("web-1", cpu: "100m", memory: "64Mi"));

        var pod = await cluster.WaitForPodAsync("web-1", p => p.Status?.IsConditionTrue(PodConditionType.PodScheduled) == true);
        var scheduled = await cluster.WaitForEventAsync("web-1", "Scheduled");
        Assert.Multiple(() =>
        {
            Assert.That(pod.Spec.NodeName, Is.EqualTo("node-1"));
            Assert.That(scheduled.Message, Is.EqualTo("Successfully assigned default/web-1 to node-1"));
            Assert.That(scheduled.Type, Is.EqualTo("Normal"));
        });
    }

    [Test]
    public async Task Scheduler_PodForOtherScheduler_IsLeftAlone()
    {
        await using var cluster = await SchedulerHarness.StartAsync();
        await cluster.CreateAsync(Node("node-1"));
        await cluster.CreateAsync(Pod("mine") with { Spec = Pod("mine").Spec with { SchedulerName = "other-scheduler" } });

        await cluster.CreateAsync(Pod("marker"));
        await cluster.WaitForPodAsync("marker", p => p.Spec.NodeName is not null);

        Assert.That((await cluster.GetPodAsync("mine")).Spec.NodeName, Is.Null);
    }

    [Test]
    public async Task Scheduler_NoNodeFits_ReportsUnschedulableThenBindsWhenNodeAdded()
    {
        await using var cluster = await SchedulerHarness.StartAsync();
        await cluster.CreateAsync(Node("small", cpu: "1"));

        await cluster.CreateAsync(Pod("big", cpu: "2"));

        var message = await cluster.WaitForUnschedulableAsync("big");
        var failed = await cluster.WaitForEventAsync("big", "FailedScheduling");
        Assert.Multiple(() =>
        {
            Assert.That(message, Is.EqualTo("0/1 nodes are available: 1 Insufficient cpu."));
            Assert.That(failed.Type, Is.EqualTo("Warning"));
            Assert.That(failed.Message, Is.EqualTo(message));
        });

        await cluster.CreateAsync(Node("large", cpu: "8"));

        // The pod is retried once its back-off (1 s after the failed attempt) has passed.
        var pod = await cluster.WaitForPodAsync("big", p => p.Spec.NodeName is not null, tick: OneSecond);
        Assert.Multiple(() =>
        {
            Assert.That(pod.Spec.NodeName, Is.EqualTo("large"));
            Assert.That(pod.Status!.GetCondition(PodConditionType.PodScheduled)!.Status, Is.EqualTo(ConditionStatus.True));
        });
    }

    [Test]
    public async Task Scheduler_RequiredAntiAffinity_SpreadsReplicasAndLeavesFourthPending()
    {
        await using var cluster = await SchedulerHarness.StartAsync();
        foreach (var name in new[] { "node-1", "node-2", "node-3" }) await cluster.CreateAsync(Node(name));
        var antiAffinity = new Affinity
        {
            PodAntiAffinity = new PodAntiAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [Term(WellKnownLabels.Hostname, "name=frontend")] },
        };

        for (var i = 0; i < 4; i++) await cluster.CreateAsync(Pod($"frontend-{i}", cpu: "100m", labels: Labels("name=frontend"), affinity: antiAffinity));

        var placed = new List<string>();
        for (var i = 0; i < 3; i++) placed.Add((await cluster.WaitForPodAsync($"frontend-{i}", p => p.Spec.NodeName is not null)).Spec.NodeName!);
        var message = await cluster.WaitForUnschedulableAsync("frontend-3");
        Assert.Multiple(() =>
        {
            Assert.That(placed, Is.EquivalentTo(new[] { "node-1", "node-2", "node-3" }));
            Assert.That(message, Is.EqualTo("0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."));
        });
    }

    [Test]
    public async Task Scheduler_EqualPriority_SchedulesInArrivalOrder()
    {
        await using var cluster = await SchedulerHarness.StartAsync();
        string[] arrival = ["charlie", "alpha", "bravo"];
        foreach (var name in arrival)
        {
            await cluster.CreateAsync(Pod(name));
            await cluster.WaitForUnschedulableAsync(name); // no nodes yet: each waits, in arrival order
        }

        // One pod fits at a time; each deletion frees the node for the next.
        await cluster.CreateAsync(Node("only", pods: 1));
        var order = new List<string>();
        for (var i = 0; i < arrival.Length; i++)
        {
            var bound = await WaitForAnyBoundAsync(cluster, arrival.Except(order));
            order.Add(bound);
            await cluster.DeletePodAsync(bound);
        }

        Assert.That(order, Is.EqualTo(arrival));
    }

    [Test]
    public async Task Scheduler_HigherPriority_ScheduledBeforeEarlierPods()
    {
        await using var cluster = await SchedulerHarness.StartAsync();
        await cluster.CreateAsync(Pod("early"));
        await cluster.WaitForUnschedulableAsync("early");
        await cluster.CreateAsync(Pod("urgent", priority: 1000));
        await cluster.WaitForUnschedulableAsync("urgent");

        await cluster.CreateAsync(Node("only", pods: 1));

        Assert.That(await WaitForAnyBoundAsync(cluster, ["early", "urgent"]), Is.EqualTo("urgent"));
    }

    [Test]
    public async Task Scheduler_PodDeleted_FreesResourcesForPendingPod()
    {
        await using var cluster = await SchedulerHarness.StartAsync();
        await cluster.CreateAsync(Node("node-1", cpu: "1"));
        await cluster.CreateAsync(Pod("first", cpu: "800m"));
        await cluster.WaitForPodAsync("first", p => p.Spec.NodeName is not null);
        await cluster.CreateAsync(Pod("second", cpu: "800m"));
        Assert.That(await cluster.WaitForUnschedulableAsync("second"), Is.EqualTo("0/1 nodes are available: 1 Insufficient cpu."));

        await cluster.DeletePodAsync("first");

        var second = await cluster.WaitForPodAsync("second", p => p.Spec.NodeName is not null, tick: OneSecond);
        Assert.That(second.Spec.NodeName, Is.EqualTo("node-1"));
    }

    [Test]
    public async Task Scheduler_Attempts_CountedByResult()
    {
        var results = new ConcurrentQueue<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SchedulerMetrics.MeterName && instrument.Name == "orchestrator.scheduler.attempts") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "result") results.Enqueue((string)tag.Value!);
            }
        });
        listener.Start();
        await using var cluster = await SchedulerHarness.StartAsync();
        await cluster.CreateAsync(Node("node-1", cpu: "1"));

        await cluster.CreateAsync(Pod("fits", cpu: "500m"));
        await cluster.CreateAsync(Pod("too-big", cpu: "2"));
        await cluster.WaitForPodAsync("fits", p => p.Spec.NodeName is not null);
        await cluster.WaitForUnschedulableAsync("too-big");

        Assert.That(results, Is.SupersetOf(new[] { "scheduled", "unschedulable" }));
    }

    private static async Task<string> WaitForAnyBoundAsync(SchedulerHarness cluster, IEnumerable<string> names)
    {
        var candidates = names.ToArray();
        while (true)
        {
            foreach (var name in candidates)
            {
                if ((await cluster.GetPodAsync(name)).Spec.NodeName is not null) return name;
            }
            cluster.Time.Advance(OneSecond);
            await Task.Delay(10, cluster.Token);
        }
    }
}
