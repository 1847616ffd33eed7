using Orchestrator.Api;
using Orchestrator.Runtime.Simulated;
using static Orchestrator.Tests.NodeAgent.NodeAgentTestCluster;

namespace Orchestrator.Tests.NodeAgent;

[TestFixture]
[CancelAfter(30_000)]
public sealed class ProbeTests
{
    private static Probe Exec(int period = 10, int failureThreshold = 3, int successThreshold = 1, int initialDelay = 0) => new()
    {
        Exec = new ExecAction { Command = ["cat", "/tmp/healthy"] },
        PeriodSeconds = period,
        FailureThreshold = failureThreshold,
        SuccessThreshold = successThreshold,
        InitialDelaySeconds = initialDelay,
    };

    private static Pod WithProbes(string name, Probe? readiness = null, Probe? liveness = null, Probe? startup = null, params (string, string)[] annotations) =>
        NewPod(name) with
        {
            Metadata = NewPod(name).Metadata with { Annotations = Annotations(annotations) },
            Spec = NewPod(name).Spec with
            {
                Containers = [NewContainer() with { ReadinessProbe = readiness, LivenessProbe = liveness, StartupProbe = startup }],
            },
        };

    [Test]
    public async Task Readiness_ProbeStartsFailingAndRecovers_ReadyConditionFollows()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateAsync(WithProbes("web", readiness: Exec(period: 5, failureThreshold: 2, successThreshold: 2)));
        await cluster.WaitForProbeAttemptsAsync(1);
        Assert.That(cluster.Get("web")?.IsReady() ?? false, Is.False, "a container is not ready before successThreshold successes");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5));
        var ready = await cluster.WaitForPodAsync("web", p => p.IsReady(), "ready");
        var readySince = ready.Status!.GetCondition(PodConditionType.Ready)!.LastTransitionTime;
        var id = cluster.ContainerId("web");

        cluster.Runtime.UpdateBehavior(id, b => b with { FailReadiness = true });
        var attempts = cluster.Runtime.ProbeAttempts;
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5));
        await cluster.WaitForProbeAttemptsAsync(attempts + 1);
        Assert.That(cluster.Get("web")!.IsReady(), Is.True, "one failure is below the failure threshold of 2");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5));
        var unready = await cluster.WaitForPodAsync("web", p => !p.IsReady(), "not ready");

        Assert.That(unready.Status!.Phase, Is.EqualTo(PodPhase.Running));
        Assert.That(App(unready).Ready, Is.False);
        Assert.That(unready.Status.GetCondition(PodConditionType.ContainersReady)!.Reason, Is.EqualTo("ContainersNotReady"));
        Assert.That(unready.Status.GetCondition(PodConditionType.Ready)!.LastTransitionTime, Is.EqualTo(cluster.Time.GetUtcNow()));
        await cluster.WaitForEventAsync("web", "Unhealthy");

        cluster.Runtime.UpdateBehavior(id, b => b with { FailReadiness = false });
        attempts = cluster.Runtime.ProbeAttempts;
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5));
        await cluster.WaitForProbeAttemptsAsync(attempts + 1);
        Assert.That(cluster.Get("web")!.IsReady(), Is.False, "one success is below the success threshold of 2");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5));
        var again = await cluster.WaitForPodAsync("web", p => p.IsReady(), "ready again");

        Assert.That(again.Status!.GetCondition(PodConditionType.Ready)!.LastTransitionTime, Is.GreaterThan(readySince!.Value));
        Assert.That(App(again).RestartCount, Is.EqualTo(0), "readiness never restarts a container");
    }

    [Test]
    public async Task Readiness_InitialDelay_NotReadyUntilTheFirstProbePasses()
    {
        await using var cluster = await StartAsync();

        await cluster.CreateAsync(WithProbes("slow", readiness: Exec(initialDelay: 15)));
        var running = await cluster.WaitForPodAsync("slow", p => App(p).State.Running is not null, "running");
        Assert.That(running.IsReady(), Is.False);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(14));
        Assert.That(cluster.Runtime.ProbeAttempts, Is.EqualTo(0));
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        await cluster.WaitForPodAsync("slow", p => p.IsReady(), "ready");

        Assert.That(cluster.Runtime.ProbeAttempts, Is.EqualTo(1));
    }

    [Test]
    public async Task Liveness_FailsThresholdTimes_ContainerIsRestarted()
    {
        await using var cluster = await StartAsync();
        var pod = WithProbes("hang", liveness: Exec(period: 10, failureThreshold: 3), annotations: (SimulatedAnnotations.LivenessFailAfter, "25s"));
        await cluster.CreateAsync(pod);
        await cluster.WaitForPodAsync("hang", p => App(p).State.Running is not null, "running");
        await cluster.WaitForProbeAttemptsAsync(1); // t=0 passes

        for (var probe = 2; probe <= 5; probe++)
        {
            await cluster.AdvanceAsync(TimeSpan.FromSeconds(10)); // t=10 passes; t=30, 40 fail
            await cluster.WaitForProbeAttemptsAsync(probe);
            Assert.That(App(cluster.Get("hang")!).RestartCount, Is.EqualTo(0), $"restarted after probe {probe}");
        }
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10)); // t=50: third consecutive failure
        var restarted = await cluster.WaitForPodAsync("hang", p => App(p).RestartCount == 1 && App(p).State.Running is not null, "restarted");

        Assert.That(App(restarted).LastState!.Terminated, Is.Not.Null);
        await cluster.WaitForEventAsync("hang", "Killing");
        var killing = (await cluster.EventsAsync("hang")).Where(e => e.Reason == "Killing").Select(e => e.Message).ToList();
        Assert.That(killing, Has.Some.EqualTo("Container app failed liveness probe, will be restarted"));
    }

    [Test]
    public async Task Startup_NotYetPassed_GatesLivenessAndReadiness()
    {
        await using var cluster = await StartAsync();
        var pod = WithProbes("boot",
            readiness: Exec(period: 5),
            liveness: Exec(period: 5, failureThreshold: 1),
            startup: Exec(period: 5, failureThreshold: 10),
            annotations: [(SimulatedAnnotations.StartupAfter, "12s"), (SimulatedAnnotations.FailLiveness, "true")]);
        await cluster.CreateAsync(pod);
        var running = await cluster.WaitForPodAsync("boot", p => App(p).State.Running is not null, "running");
        Assert.That((App(running).Started, App(running).Ready), Is.EqualTo((false, false)));

        // Startup probes at t=0, 5, 10 fail; the failing liveness probe must not run (or the container would restart).
        await cluster.WaitForProbeAttemptsAsync(1);
        for (var i = 0; i < 2; i++)
        {
            var attempts = cluster.Runtime.ProbeAttempts;
            await cluster.AdvanceAsync(TimeSpan.FromSeconds(5));
            await cluster.WaitForProbeAttemptsAsync(attempts + 1);
        }
        Assert.That(cluster.Runtime.ProbeAttempts, Is.EqualTo(3), "only the startup probe ran");
        Assert.That(App(cluster.Get("boot")!).RestartCount, Is.EqualTo(0));

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5)); // t=15: startup passes
        await cluster.WaitForProbeAttemptsAsync(4);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5)); // by t=20 the liveness probe ran and failed once -> restart
        var restarted = await cluster.WaitForPodAsync("boot", p => App(p).RestartCount == 1, "restarted by liveness after startup");
        Assert.That(App(restarted).Started, Is.False, "the new instance starts over with its startup probe");
    }

    [Test]
    public async Task Startup_NeverPasses_ContainerIsRestarted()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateAsync(WithProbes("stuck", startup: Exec(period: 5, failureThreshold: 2), annotations: (SimulatedAnnotations.FailStartup, "true")));
        await cluster.WaitForPodAsync("stuck", p => App(p).State.Running is not null, "running");
        await cluster.WaitForProbeAttemptsAsync(1);

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5));
        var restarted = await cluster.WaitForPodAsync("stuck", p => App(p).RestartCount == 1, "restarted");

        Assert.That(App(restarted).Ready, Is.False);
        await cluster.WaitForEventAsync("stuck", "Killing");
        Assert.That((await cluster.EventsAsync("stuck")).Any(e => e.Message == "Container app failed startup probe, will be restarted"), Is.True);
    }

    [Test]
    public async Task Readiness_HttpGetNamedPort_ResolvedAgainstContainerPorts()
    {
        await using var cluster = await StartAsync();
        var pod = NewPod("http") with
        {
            Metadata = NewPod("http").Metadata with { Annotations = Annotations((SimulatedAnnotations.FailReadiness, "true")) },
            Spec = NewPod("http").Spec with
            {
                Containers =
                [
                    NewContainer() with
                    {
                        Ports = [new ContainerPort { Name = "http", Port = 8080 }],
                        ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/healthz", Port = "http" }, FailureThreshold = 1 },
                    },
                ],
            },
        };

        await cluster.CreateAsync(pod);
        var running = await cluster.WaitForPodAsync("http", p => p.Status?.PodIP is not null, "given an IP");
        await cluster.WaitForEventAsync("http", "Unhealthy");

        var message = (await cluster.EventsAsync("http")).First(e => e.Reason == "Unhealthy").Message;
        Assert.That(message, Is.EqualTo($"Readiness probe failed: Get \"http://{running.Status!.PodIP}:8080/healthz\": readiness failure simulated"));
    }
}
