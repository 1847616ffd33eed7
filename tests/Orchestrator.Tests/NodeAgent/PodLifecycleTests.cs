using Orchestrator.Api;
using Orchestrator.Runtime;
using Orchestrator.Runtime.Simulated;
using static Orchestrator.Tests.NodeAgent.NodeAgentTestCluster;

namespace Orchestrator.Tests.NodeAgent;

[TestFixture]
[CancelAfter(30_000)]
public sealed class PodLifecycleTests
{
    private static Pod Programmed(string name, string restartPolicy, params (string Key, string Value)[] behaviour) =>
        NewPod(name) with
        {
            Metadata = NewPod(name).Metadata with { Annotations = Annotations([.. behaviour.Select(b => (SimulatedAnnotations.Prefix + b.Key, b.Value))]) },
            Spec = NewPod(name).Spec with { RestartPolicy = restartPolicy },
        };

    [Test]
    public async Task Sync_BarePodBoundToNode_RunsAndReportsReadyWithAddresses()
    {
        await using var cluster = await StartAsync();

        var created = await cluster.CreateAsync(NewPod("web"));

        var pod = await cluster.WaitForPodAsync("web", p => p.IsReady(), "ready");
        var status = pod.Status!;
        Assert.Multiple(() =>
        {
            Assert.That(status.Phase, Is.EqualTo(PodPhase.Running));
            Assert.That(status.PodIP, Does.StartWith("10.244."));
            Assert.That(status.PodIPs.Select(p => p.Ip), Is.EqualTo(new[] { status.PodIP }));
            Assert.That(status.HostIP, Is.EqualTo(cluster.Nodes[0].Registration.InternalIP));
            Assert.That(status.StartTime, Is.EqualTo(cluster.Time.GetUtcNow()));
            Assert.That(status.Conditions.Select(c => (c.Type, c.Status)), Is.EquivalentTo(new[]
            {
                (PodConditionType.PodScheduled, ConditionStatus.True),
                (PodConditionType.Initialized, ConditionStatus.True),
                (PodConditionType.ContainersReady, ConditionStatus.True),
                (PodConditionType.Ready, ConditionStatus.True),
            }));
            Assert.That(App(pod).State.Running, Is.Not.Null);
            Assert.That(App(pod).ContainerID, Does.StartWith("simulated://"));
            Assert.That(App(pod).Started, Is.True);
            Assert.That(status.QosClass, Is.EqualTo(PodQosClass.BestEffort));
        });
        var container = cluster.Runtime.FindContainer("default", "web", "app")!;
        Assert.That(container.Labels[ContainerLabels.PodUid], Is.EqualTo(created.Metadata.Uid));
        Assert.That(container.Labels[ContainerLabels.NodeName], Is.EqualTo("node-1"));
        await cluster.WaitForEventAsync("web", "Started");
        var reasons = (await cluster.EventsAsync("web")).Select(e => e.Reason).ToList();
        Assert.That(reasons, Is.SupersetOf(new[] { "Pulled", "Created", "Started" }));
    }

    [Test]
    public async Task Sync_SlowStart_ReportsPendingContainerCreatingUntilTheContainerRuns()
    {
        await using var cluster = await StartAsync();
        var start = cluster.Time.GetUtcNow();

        await cluster.CreateAsync(Programmed("slow", RestartPolicy.Always, ("start-delay", "2s")));

        var pending = await cluster.WaitForPodAsync("slow", p => p.Status?.Phase == PodPhase.Pending, "pending");
        Assert.That(Waiting(pending), Is.EqualTo("ContainerCreating"));
        Assert.That(pending.Status!.GetCondition(PodConditionType.Ready)!.Status, Is.EqualTo(ConditionStatus.False));
        await cluster.WaitForTimerAsync(TimeSpan.FromSeconds(2)); // the start delay
        cluster.Advance(TimeSpan.FromSeconds(2));
        var running = await cluster.WaitForPodAsync("slow", p => p.Status?.Phase == PodPhase.Running, "running");

        Assert.That(App(running).State.Running!.StartedAt, Is.EqualTo(start + TimeSpan.FromSeconds(2)));
        Assert.That(running.Status!.StartTime, Is.EqualTo(start));
    }

    private static readonly object[] TerminalCases =
    [
        new object[] { RestartPolicy.Never, 0, PodPhase.Succeeded, "Completed" },
        new object[] { RestartPolicy.Never, 1, PodPhase.Failed, "Error" },
        new object[] { RestartPolicy.OnFailure, 0, PodPhase.Succeeded, "Completed" },
    ];

    [TestCaseSource(nameof(TerminalCases))]
    public async Task Sync_ContainerExitsWithoutRestart_PodReachesTerminalPhase(string policy, int exitCode, string phase, string reason)
    {
        await using var cluster = await StartAsync();
        await cluster.CreateAsync(Programmed("job", policy, ("exit-after", "5s"), ("exit-code", exitCode.ToString())));
        await cluster.WaitForPodAsync("job", p => p.Status?.Phase == PodPhase.Running, "running");

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5));
        var pod = await cluster.WaitForPodAsync("job", p => p.Status?.Phase == phase, phase);

        var terminated = App(pod).State.Terminated!;
        Assert.That((terminated.ExitCode, terminated.Reason), Is.EqualTo((exitCode, reason)));
        Assert.That(terminated.FinishedAt - terminated.StartedAt, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(App(pod).RestartCount, Is.EqualTo(0));
        Assert.That(pod.Status!.GetCondition(PodConditionType.Ready)!.Reason, Is.EqualTo("PodCompleted"));
        await WaitUntilAsync(() => cluster.Network.AllocatedCount == 0, "the pod IP is released");
    }

    [TestCase(RestartPolicy.Always, 0, "Completed")]
    [TestCase(RestartPolicy.Always, 2, "Error")]
    [TestCase(RestartPolicy.OnFailure, 2, "Error")]
    public async Task Sync_ContainerExitsWithRestart_RestartsAndKeepsLastState(string policy, int exitCode, string reason)
    {
        await using var cluster = await StartAsync();
        await cluster.CreateAsync(Programmed("svc", policy, ("exit-after", "5s"), ("exit-code", exitCode.ToString())));
        await cluster.WaitForPodAsync("svc", p => p.Status?.Phase == PodPhase.Running, "running");

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5));
        var pod = await cluster.WaitForPodAsync("svc", p => App(p).RestartCount == 1 && App(p).State.Running is not null, "restarted");

        Assert.That(pod.Status!.Phase, Is.EqualTo(PodPhase.Running));
        Assert.That((App(pod).LastState!.Terminated!.ExitCode, App(pod).LastState!.Terminated!.Reason), Is.EqualTo((exitCode, reason)));
        Assert.That(cluster.Runtime.ContainerCount, Is.EqualTo(2), "the previous instance is kept for logs --previous");
    }

    [Test]
    public async Task Sync_MemoryAboveLimit_ReportsOomKilled()
    {
        await using var cluster = await StartAsync();
        var pod = Programmed("hungry", RestartPolicy.Never, ("memory-usage", "256Mi"));
        pod = pod with
        {
            Spec = pod.Spec with
            {
                Containers = [NewContainer() with { Resources = new ResourceRequirements { Limits = new Dictionary<string, Quantity> { ["memory"] = Quantity.Parse("128Mi") } } }],
            },
        };

        await cluster.CreateAsync(pod);
        var failed = await cluster.WaitForPodAsync("hungry", p => p.Status?.Phase == PodPhase.Failed, "failed");

        Assert.That((App(failed).State.Terminated!.ExitCode, App(failed).State.Terminated!.Reason), Is.EqualTo((137, "OOMKilled")));
        Assert.That(cluster.Runtime.GetContainerConfig(cluster.ContainerId("hungry"))!.Resources.MemoryLimitBytes, Is.EqualTo(128L << 20));
    }

    [Test]
    public async Task Sync_ActiveDeadlineExceeded_KillsContainersAndFailsPod()
    {
        await using var cluster = await StartAsync();
        var pod = NewPod("deadline") with { Spec = NewPod("deadline").Spec with { ActiveDeadlineSeconds = 30 } };
        await cluster.CreateAsync(pod);
        await cluster.WaitForPodAsync("deadline", p => p.Status?.Phase == PodPhase.Running, "running");

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(29));
        Assert.That(cluster.Get("deadline")!.Status!.Phase, Is.EqualTo(PodPhase.Running));
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        var failed = await cluster.WaitForPodAsync("deadline", p => p.Status?.Phase == PodPhase.Failed, "failed");

        Assert.That(failed.Status!.Reason, Is.EqualTo("DeadlineExceeded"));
        Assert.That(failed.Status.Message, Is.EqualTo("Pod was active on the node longer than the specified deadline"));
        Assert.That(App(failed).State.Terminated, Is.Not.Null);
        Assert.That(cluster.Runtime.FindContainer("default", "deadline", "app")!.State, Is.EqualTo(RuntimeContainerState.Exited));
    }

    [Test]
    public async Task Sync_OneOfTwoContainersExitsUnderNever_StaysRunningUntilBothAreDone()
    {
        await using var cluster = await StartAsync();
        var pod = NewPod("pair", NewContainer("quick"), NewContainer("slow"));
        pod = pod with
        {
            Metadata = pod.Metadata with
            {
                Annotations = Annotations(
                    (SimulatedAnnotations.Prefix + "quick.exit-after", "1s"),
                    (SimulatedAnnotations.Prefix + "slow.exit-after", "10s"),
                    (SimulatedAnnotations.Prefix + "slow.exit-code", "4")),
            },
            Spec = pod.Spec with { RestartPolicy = RestartPolicy.Never },
        };
        await cluster.CreateAsync(pod);
        await cluster.WaitForPodAsync("pair", p => p.Status?.Phase == PodPhase.Running, "running");

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        var one = await cluster.WaitForPodAsync("pair", p => App(p, "quick").State.Terminated is not null, "quick terminated");
        Assert.That(one.Status!.Phase, Is.EqualTo(PodPhase.Running));
        Assert.That(one.Status.GetCondition(PodConditionType.Ready)!.Status, Is.EqualTo(ConditionStatus.False));
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(9));
        var done = await cluster.WaitForPodAsync("pair", p => p.IsTerminal(), "terminal");

        Assert.That(done.Status!.Phase, Is.EqualTo(PodPhase.Failed));
    }

    [Test]
    public async Task Sync_NothingChanged_DoesNotWriteStatusAgain()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateAsync(NewPod("quiet"));
        var ready = await cluster.WaitForPodAsync("quiet", p => p.IsReady(), "ready");
        var syncs = cluster.Host.CompletedSyncs;

        await cluster.AdvanceAsync(cluster.Options.ResyncInterval);
        await WaitUntilAsync(() => cluster.Host.CompletedSyncs > syncs, "a resync");
        await cluster.SettleAsync();

        Assert.That(cluster.Get("quiet")!.Metadata.ResourceVersion, Is.EqualTo(ready.Metadata.ResourceVersion));
    }

    [Test]
    public async Task Sync_ImageChanged_ReplacesTheContainer()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateAsync(NewPod("web"));
        var ready = await cluster.WaitForPodAsync("web", p => p.IsReady(), "ready");
        var oldId = cluster.ContainerId("web");

        var spec = ready.Spec with { Containers = [NewContainer(image: "busybox:1.37")] };
        await cluster.Store.UpdateAsync(ready with { Spec = spec });
        var updated = await cluster.WaitForPodAsync("web", p => App(p).Image == "busybox:1.37" && App(p).State.Running is not null, "running the new image");

        Assert.That(App(updated).RestartCount, Is.EqualTo(1));
        Assert.That(cluster.ContainerId("web"), Is.Not.EqualTo(oldId));
        Assert.That(cluster.Runtime.GetContainerConfig(cluster.ContainerId("web"))!.Image, Is.EqualTo("busybox:1.37"));
        await cluster.WaitForEventAsync("web", "Killing");
    }
}
