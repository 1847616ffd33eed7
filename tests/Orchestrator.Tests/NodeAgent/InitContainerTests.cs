using Orchestrator.Api;
using Orchestrator.Runtime;
using Orchestrator.Runtime.Simulated;
using static Orchestrator.Tests.NodeAgent.NodeAgentTestCluster;

namespace Orchestrator.Tests.NodeAgent;

[TestFixture]
[CancelAfter(30_000)]
public sealed class InitContainerTests
{
    private static Pod WithInit(string name, string restartPolicy, params (string Key, string Value)[] annotations) => NewPod(name) with
    {
        Metadata = NewPod(name).Metadata with { Annotations = Annotations(annotations) },
        Spec = NewPod(name).Spec with
        {
            RestartPolicy = restartPolicy,
            InitContainers = [NewContainer("migrate"), NewContainer("seed")],
        },
    };

    [Test]
    public async Task Sync_InitContainers_RunInOrderEachToSuccessBeforeTheApp()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateAsync(WithInit("db", RestartPolicy.Always,
            (SimulatedAnnotations.Prefix + "migrate.exit-after", "3s"),
            (SimulatedAnnotations.Prefix + "seed.exit-after", "2s")));

        var first = await cluster.WaitForPodAsync("db", p => Init(p, "migrate").State.Running is not null, "migrating");
        Assert.That(Init(first, "seed").State.Waiting!.Reason, Is.EqualTo("PodInitializing"));
        Assert.That(Waiting(first), Is.EqualTo("PodInitializing"));
        Assert.That(first.Status!.Phase, Is.EqualTo(PodPhase.Pending));
        Assert.That(first.Status.GetCondition(PodConditionType.Initialized)!.Message, Is.EqualTo("containers with incomplete status: [migrate seed]"));
        Assert.That(cluster.Runtime.FindContainer("default", "db", "seed"), Is.Null, "seed must wait for migrate");

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3));
        var second = await cluster.WaitForPodAsync("db", p => Init(p, "seed").State.Running is not null, "seeding");
        Assert.That(Init(second, "migrate").State.Terminated!.Reason, Is.EqualTo("Completed"));
        Assert.That(Init(second, "migrate").Ready, Is.True);
        Assert.That(cluster.Runtime.FindContainer("default", "db", "app"), Is.Null, "the app must wait for every init container");

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(2));
        var running = await cluster.WaitForPodAsync("db", p => p.IsReady(), "ready");
        Assert.That(running.Status!.GetCondition(PodConditionType.Initialized)!.Status, Is.EqualTo(ConditionStatus.True));
        var migrate = cluster.Runtime.FindContainer("default", "db", "migrate")!;
        var app = cluster.Runtime.FindContainer("default", "db", "app")!;
        Assert.That(app.StartedAt, Is.EqualTo(migrate.StartedAt + TimeSpan.FromSeconds(5)));
        Assert.That(migrate.Labels[ContainerLabels.ContainerKind], Is.EqualTo(ContainerLabels.InitKind));
    }

    [Test]
    public async Task Sync_InitContainerFailsUnderNever_PodFailsAndAppNeverStarts()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateAsync(WithInit("bad", RestartPolicy.Never,
            (SimulatedAnnotations.Prefix + "migrate.exit-after", "1s"), (SimulatedAnnotations.Prefix + "migrate.exit-code", "2")));
        await cluster.WaitForPodAsync("bad", p => Init(p, "migrate").State.Running is not null, "migrating");

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        var failed = await cluster.WaitForPodAsync("bad", p => p.Status?.Phase == PodPhase.Failed, "failed");

        Assert.That(Init(failed, "migrate").State.Terminated!.ExitCode, Is.EqualTo(2));
        Assert.That(failed.Status!.GetCondition(PodConditionType.Initialized)!.Status, Is.EqualTo(ConditionStatus.False));
        Assert.That(cluster.Runtime.FindContainer("default", "bad", "seed"), Is.Null);
        Assert.That(cluster.Runtime.FindContainer("default", "bad", "app"), Is.Null);
    }

    [Test]
    public async Task Sync_InitContainerFailsUnderAlways_IsRetriedWithBackOffAndPodStaysPending()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateAsync(WithInit("retry", RestartPolicy.Always,
            (SimulatedAnnotations.Prefix + "migrate.crash-loop", "true")));
        await cluster.WaitForPodAsync("retry", p => Init(p, "migrate").State.Running is not null, "migrating");

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        await cluster.WaitForPodAsync("retry", p => Init(p, "migrate").RestartCount == 1 && Init(p, "migrate").State.Running is not null, "retried at once");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        var backingOff = await cluster.WaitForPodAsync("retry", p => Init(p, "migrate").State.Waiting?.Reason == "CrashLoopBackOff", "backing off");

        Assert.That(backingOff.Status!.Phase, Is.EqualTo(PodPhase.Pending));
        Assert.That(Init(backingOff, "migrate").LastState!.Terminated!.ExitCode, Is.EqualTo(1));
        Assert.That(cluster.Runtime.FindContainer("default", "retry", "seed"), Is.Null);

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10));
        await cluster.WaitForPodAsync("retry", p => Init(p, "migrate").RestartCount == 2, "retried after back-off");
    }
}
