using Orchestrator.Api;
using Orchestrator.Docker.Engine;
using Orchestrator.Docker.Runtime;
using Orchestrator.Store;
using static Orchestrator.Docker.Tests.Pods.DockerPodCluster;

namespace Orchestrator.Docker.Tests.Pods;

/// <summary>An orchestrator restart over running containers: adoption without duplicates, and removal of what lost its pod.</summary>
[CancelAfter(180_000)]
public sealed class AdoptionTests
{
    [Test]
    public async Task Restart_PodsStillExist_AreAdoptedWithoutNewContainers()
    {
        await using var cluster = await DockerPodCluster.StartAsync();

        // Given a ready pod of two containers, one of which restarted once, and a pod that is deleted while the orchestrator is down
        var web = Busybox("web", "httpd", "-f", "-p", "8080", "-h", "/var/www") with
        {
            ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/", Port = 8080 }, PeriodSeconds = 1 },
        };
        await cluster.CreateAsync(NewPod("kept", web, Busybox("sidecar", "sleep", "600")));
        await cluster.CreateAsync(NewPod("gone", Busybox("app", "sleep", "600")));
        var ready = await cluster.WaitForPodAsync("kept", p => p.IsReady(), "ready");
        await cluster.Nodes[0].Runtime.Client.KillContainerAsync(DockerId(App(ready, "sidecar")), "SIGKILL");
        var before = await cluster.WaitForPodAsync("kept", p => p.IsReady() && App(p, "sidecar").RestartCount == 1 && App(p, "sidecar").State.Running is not null,
            "restarted once");
        await cluster.WaitForPodAsync("gone", p => App(p).State.Running is not null, "running");
        var containersBefore = await OwnedAsync(cluster);

        // When the orchestrator stops, one pod is force-deleted meanwhile, and it starts again on the same store
        await cluster.RestartAsync(deleteWhileDown: "gone");
        await cluster.CreateAsync(NewPod("after-restart", Busybox("app", "sleep", "600")));
        await cluster.WaitForPodAsync("after-restart", p => App(p).State.Running is not null, "running");

        // Then the kept pod runs on in the same containers with the same counts, and the deleted pod's containers are gone
        var after = cluster.Get("kept")!;
        Assert.That(after.IsReady(), Is.True);
        Assert.That(App(after, "web").ContainerID, Is.EqualTo(App(before, "web").ContainerID));
        Assert.That(App(after, "sidecar").ContainerID, Is.EqualTo(App(before, "sidecar").ContainerID));
        Assert.That(App(after, "sidecar").RestartCount, Is.EqualTo(1));
        Assert.That(App(after, "sidecar").LastState?.Terminated?.ExitCode, Is.EqualTo(137));
        Assert.That(after.Status!.PodIP, Is.EqualTo(before.Status!.PodIP));

        var containersAfter = await OwnedAsync(cluster);
        var gone = containersBefore.Where(c => c.Labels![Orchestrator.Runtime.ContainerLabels.PodName] == "gone").Select(c => c.Id).ToList();
        Assert.That(gone, Has.Count.EqualTo(2), "the deleted pod had a sandbox and a container");
        Assert.That(containersAfter.Select(c => c.Id), Is.SupersetOf(containersBefore.Select(c => c.Id).Except(gone)));
        Assert.That(containersAfter.Select(c => c.Id), Has.None.AnyOf(gone.ToArray()));
        Assert.That(containersAfter.Count(c => c.Labels![Orchestrator.Runtime.ContainerLabels.PodName] == "kept"), Is.EqualTo(4),
            "sandbox, web, and the sidecar's current and previous instance: no duplicates");
    }

    private static async Task<IReadOnlyList<ContainerSummary>> OwnedAsync(DockerPodCluster cluster) =>
        await cluster.Nodes[0].Runtime.Client.ListContainersAsync(true, DockerFilters.Label(DockerLabels.ClusterId, cluster.ClusterId));
}
