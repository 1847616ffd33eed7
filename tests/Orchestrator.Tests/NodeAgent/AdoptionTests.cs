using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Runtime;
using Orchestrator.Runtime.Simulated;
using static Orchestrator.Tests.NodeAgent.NodeAgentTestCluster;

namespace Orchestrator.Tests.NodeAgent;

[TestFixture]
[CancelAfter(30_000)]
public sealed class AdoptionTests
{
    [Test]
    public async Task Restart_AgentRestarts_AdoptsRunningContainersWithoutDuplicates()
    {
        await using var cluster = await StartAsync();
        var pod = NewPod("web", NewContainer("a"), NewContainer("b"));
        pod = pod with
        {
            Metadata = pod.Metadata with
            {
                Annotations = Annotations((SimulatedAnnotations.Prefix + "b.crash-loop", "true"), (SimulatedAnnotations.Prefix + "init.exit-after", "0s")),
            },
            Spec = pod.Spec with { InitContainers = [NewContainer("init")] },
        };
        await cluster.CreateAsync(pod);
        await cluster.WaitForPodAsync("web", p => App(p, "a").State.Running is not null, "running");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        var before = await cluster.WaitForPodAsync("web", p => App(p, "b").RestartCount == 1 && App(p, "b").State.Running is not null, "b restarted");
        var containersBefore = (await cluster.Runtime.ListContainersAsync()).Select(c => c.Id).Order().ToList();
        var ipBefore = before.Status!.PodIP;

        await cluster.RestartHostAsync();
        await WaitUntilAsync(() => cluster.Host.CompletedSyncs >= 1, "the new agent synchronised the pod");
        var attempts = await cluster.Runtime.ListSandboxesAsync();
        var after = cluster.Get("web")!;

        var containersAfter = (await cluster.Runtime.ListContainersAsync()).Select(c => c.Id).Order().ToList();
        Assert.That(containersAfter, Is.EqualTo(containersBefore), "no container was created or removed");
        Assert.That(attempts, Has.Count.EqualTo(1));
        Assert.That(after.Status!.PodIP, Is.EqualTo(ipBefore));
        Assert.That(App(after, "a").RestartCount, Is.EqualTo(0));
        Assert.That(App(after, "b").RestartCount, Is.EqualTo(1));
        Assert.That(Init(after, "init").State.Terminated!.ExitCode, Is.EqualTo(0));
    }

    [Test]
    public async Task Restart_ContainerDiesWhileAgentIsDown_RestartedByTheNewAgent()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateAsync(NewPod("web"));
        await cluster.WaitForPodAsync("web", p => p.IsReady(), "ready");
        var id = cluster.ContainerId("web");
        using (var stop = new CancellationTokenSource(NodeAgentTestCluster.Timeout)) await cluster.Host.StopAsync(stop.Token);

        cluster.Runtime.SimulateExit(id, 1);
        await cluster.RestartHostAsync();
        var restarted = await cluster.WaitForPodAsync("web", p => App(p).RestartCount == 1 && App(p).State.Running is not null, "restarted");

        Assert.That(App(restarted).LastState!.Terminated!.ExitCode, Is.EqualTo(1));
        Assert.That(cluster.Runtime.ContainerCount, Is.EqualTo(2));
    }

    [Test]
    public async Task Start_RuntimeHasContainersOfDeletedPod_RemovesThem()
    {
        await using var cluster = await StartAsync();
        var runtime = cluster.Runtime;
        var labels = ImmutableDictionary<string, string>.Empty
            .Add(ContainerLabels.NodeName, "node-1").Add(ContainerLabels.PodUid, "ghost-uid")
            .Add(ContainerLabels.PodName, "ghost").Add(ContainerLabels.PodNamespace, "default");
        var foreign = labels.SetItem(ContainerLabels.NodeName, "node-9").SetItem(ContainerLabels.PodUid, "other-uid");
        var sandbox = await runtime.CreateSandboxAsync(new PodSandboxConfig { PodName = "ghost", PodNamespace = "default", PodUid = "ghost-uid", Hostname = "ghost", Labels = labels });
        await runtime.CreateContainerAsync(sandbox, new ContainerConfig { Name = "app", Image = "busybox:1.36", Labels = labels.Add(ContainerLabels.ContainerName, "app") });
        var other = await runtime.CreateSandboxAsync(new PodSandboxConfig { PodName = "x", PodNamespace = "default", PodUid = "other-uid", Hostname = "x", Labels = foreign });

        await cluster.RestartHostAsync();

        await WaitUntilAsync(() => runtime.ContainerCount == 0, "the orphan is removed");
        var remaining = await runtime.ListSandboxesAsync();
        Assert.That(remaining.Select(s => s.Id), Is.EqualTo(new[] { other }), "another node's sandbox on a shared runtime is left alone");
    }
}
