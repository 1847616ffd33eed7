using Orchestrator.Api;
using Orchestrator.Runtime.Simulated;
using static Orchestrator.Tests.NodeAgent.NodeAgentTestCluster;

namespace Orchestrator.Tests.NodeAgent;

[TestFixture]
[CancelAfter(60_000)]
public sealed class RestartBackOffTests
{
    private static Pod Crashing(string name) => NewPod(name) with
    {
        Metadata = NewPod(name).Metadata with { Annotations = Annotations((SimulatedAnnotations.CrashLoop, "true")) },
    };

    /// <summary>Lets the running instance crash (1 s after its start) and waits for the CrashLoopBackOff it causes.</summary>
    private static async Task<Pod> CrashAsync(NodeAgentTestCluster cluster, string name, int restarts)
    {
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        return await cluster.WaitForPodAsync(name, p => App(p).RestartCount == restarts && Waiting(p) == "CrashLoopBackOff", $"backing off after {restarts} restarts");
    }

    [Test]
    public async Task Sync_CrashingContainer_RestartsAtOnceThenBacksOffDoublingToTheCap()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateAsync(Crashing("crash"));
        await cluster.WaitForPodAsync("crash", p => App(p).State.Running is not null, "running");

        // The first crash restarts at once, as in Kubernetes.
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        await cluster.WaitForPodAsync("crash", p => App(p).RestartCount == 1 && App(p).State.Running is not null, "restarted once");

        var restarts = 1;
        foreach (var seconds in new[] { 10, 20, 40, 80, 160, 300, 300 })
        {
            var backingOff = await CrashAsync(cluster, "crash", restarts);
            var waiting = App(backingOff).State.Waiting!;
            Assert.That(waiting.Message, Does.StartWith($"back-off {NodeAgentDelay(seconds)} restarting failed container=app pod=crash_default("));
            Assert.That(backingOff.Status!.Phase, Is.EqualTo(PodPhase.Running), "a pod restarting its containers is Running");
            Assert.That(App(backingOff).LastState!.Terminated!.ExitCode, Is.EqualTo(1));

            await cluster.AdvanceAsync(TimeSpan.FromSeconds(seconds) - TimeSpan.FromMilliseconds(1));
            await Task.Yield();
            Assert.That(App(cluster.Get("crash")!).RestartCount, Is.EqualTo(restarts), $"restarted before the {seconds}s back-off ended");
            await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(1));
            restarts++;
            await cluster.WaitForPodAsync("crash", p => App(p).RestartCount == restarts && App(p).State.Running is not null, $"restart {restarts}");
        }
        await cluster.WaitForEventAsync("crash", "BackOff");
    }

    [Test]
    public async Task Sync_ContainerRanLongerThanResetPeriod_BackOffStartsOver()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateAsync(Crashing("flaky"));
        await cluster.WaitForPodAsync("flaky", p => App(p).State.Running is not null, "running");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        await cluster.WaitForPodAsync("flaky", p => App(p).RestartCount == 1 && App(p).State.Running is not null, "restarted once");
        await CrashAsync(cluster, "flaky", 1);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10));
        await cluster.WaitForPodAsync("flaky", p => App(p).RestartCount == 2 && App(p).State.Running is not null, "restarted twice");
        Assert.That(App((await CrashAsync(cluster, "flaky", 2))).State.Waiting!.Message, Does.StartWith("back-off 20s"));
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(20));
        await cluster.WaitForPodAsync("flaky", p => App(p).RestartCount == 3 && App(p).State.Running is not null, "restarted thrice");

        // This instance runs stably for 11 minutes before it crashes: it is restarted at once, and the back-off starts over.
        cluster.Runtime.UpdateBehavior(cluster.ContainerId("flaky"), b => b with { ExitAfter = TimeSpan.FromMinutes(11) });
        await cluster.AdvanceAsync(TimeSpan.FromMinutes(11));
        await cluster.WaitForPodAsync("flaky", p => App(p).RestartCount == 4 && App(p).State.Running is not null, "restarted at once after a stable run");
        var reset = await CrashAsync(cluster, "flaky", 4);

        Assert.That(App(reset).State.Waiting!.Message, Does.StartWith("back-off 10s"));
    }

    [Test]
    public async Task Sync_ConfiguredBackOff_UsesOptions()
    {
        await using var cluster = await StartAsync(options: new() { BackOffBase = TimeSpan.FromSeconds(1), BackOffMax = TimeSpan.FromSeconds(2), PodWorkers = 4 });
        await cluster.CreateAsync(Crashing("quick"));
        await cluster.WaitForPodAsync("quick", p => App(p).State.Running is not null, "running");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        await cluster.WaitForPodAsync("quick", p => App(p).RestartCount == 1 && App(p).State.Running is not null, "restarted");

        var first = await CrashAsync(cluster, "quick", 1);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        await cluster.WaitForPodAsync("quick", p => App(p).RestartCount == 2 && App(p).State.Running is not null, "restarted twice");
        var second = await CrashAsync(cluster, "quick", 2);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(2));
        await cluster.WaitForPodAsync("quick", p => App(p).RestartCount == 3 && App(p).State.Running is not null, "restarted thrice");
        var third = await CrashAsync(cluster, "quick", 3);

        Assert.That(App(first).State.Waiting!.Message, Does.StartWith("back-off 1s"));
        Assert.That(App(second).State.Waiting!.Message, Does.StartWith("back-off 2s"));
        Assert.That(App(third).State.Waiting!.Message, Does.StartWith("back-off 2s"));
    }

    private static string NodeAgentDelay(int seconds) => seconds >= 60 ? $"{seconds / 60}m{seconds % 60}s" : $"{seconds}s";
}
