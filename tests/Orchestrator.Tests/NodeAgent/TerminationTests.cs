using Orchestrator.Api;
using Orchestrator.Runtime;
using Orchestrator.Runtime.Simulated;
using Orchestrator.Store;
using static Orchestrator.Tests.NodeAgent.NodeAgentTestCluster;

namespace Orchestrator.Tests.NodeAgent;

[TestFixture]
[CancelAfter(30_000)]
public sealed class TerminationTests
{
    private static readonly ResourceKind PodKind = ApiResources.For<Pod>();

    [Test]
    public async Task Delete_RunningPod_StopsContainersBeforeThePodIsRemoved()
    {
        await using var cluster = await StartAsync();
        var pod = NewPod("web") with
        {
            Metadata = NewPod("web").Metadata with { Annotations = Annotations((SimulatedAnnotations.StopDelay, "5s")) },
        };
        await cluster.CreateAsync(pod);
        await cluster.WaitForPodAsync("web", p => p.IsReady(), "ready");
        var id = cluster.ContainerId("web");

        await cluster.Store.DeleteAsync(PodKind, "default", "web");
        var terminating = await cluster.WaitForPodAsync("web", p => p.Metadata.DeletionTimestamp is not null, "terminating");
        Assert.That(terminating.Metadata.DeletionGracePeriodSeconds, Is.EqualTo(30));
        await cluster.WaitForTimerAsync(TimeSpan.FromSeconds(5)); // the container's stop delay
        cluster.Advance(TimeSpan.FromSeconds(4));
        Assert.That(cluster.Get("web"), Is.Not.Null, "the pod is removed only after its containers stopped");
        Assert.That((await cluster.Runtime.GetContainerStatusAsync(id))!.State, Is.EqualTo(RuntimeContainerState.Running));

        cluster.Advance(TimeSpan.FromSeconds(1));
        await cluster.WaitForPodDeletedAsync("web");

        Assert.That(cluster.Runtime.ContainerCount, Is.EqualTo(0));
        Assert.That(cluster.Runtime.SandboxCount, Is.EqualTo(0));
        Assert.That(cluster.Network.AllocatedCount, Is.EqualTo(0));
    }

    [Test]
    public async Task Delete_ProcessIgnoresStopSignal_KilledWhenGracePeriodEnds()
    {
        await using var cluster = await StartAsync();
        var pod = NewPod("stubborn") with
        {
            Metadata = NewPod("stubborn").Metadata with { Annotations = Annotations((SimulatedAnnotations.StopDelay, "10m")) },
        };
        await cluster.CreateAsync(pod);
        await cluster.WaitForPodAsync("stubborn", p => p.IsReady(), "ready");

        await cluster.Store.DeleteAsync(PodKind, "default", "stubborn", new DeleteOptions { GracePeriodSeconds = 10 });
        await cluster.WaitForPodAsync("stubborn", p => p.Metadata.DeletionTimestamp is not null, "terminating");
        await cluster.WaitForTimerAsync(TimeSpan.FromSeconds(10)); // the grace period
        cluster.Advance(TimeSpan.FromSeconds(9));
        Assert.That(cluster.Get("stubborn"), Is.Not.Null);
        cluster.Advance(TimeSpan.FromSeconds(1));
        await cluster.WaitForPodDeletedAsync("stubborn");
    }

    [Test]
    public async Task Delete_PreStopExecHook_RunsBeforeTheStopAndCountsAgainstGrace()
    {
        await using var cluster = await StartAsync();
        var pod = NewPod("hooked") with
        {
            Spec = NewPod("hooked").Spec with
            {
                TerminationGracePeriodSeconds = 20,
                Containers =
                [
                    NewContainer() with
                    {
                        Lifecycle = new Lifecycle { PreStop = new LifecycleHandler { Sleep = new SleepAction { Seconds = 8 } } },
                    },
                ],
            },
        };
        await cluster.CreateAsync(pod);
        await cluster.WaitForPodAsync("hooked", p => p.IsReady(), "ready");
        var id = cluster.ContainerId("hooked");

        await cluster.Store.DeleteAsync(PodKind, "default", "hooked");
        await cluster.WaitForTimerAsync(TimeSpan.FromSeconds(8)); // the hook's sleep
        cluster.Advance(TimeSpan.FromSeconds(7));
        Assert.That((await cluster.Runtime.GetContainerStatusAsync(id))!.State, Is.EqualTo(RuntimeContainerState.Running), "the hook is still sleeping");
        cluster.Advance(TimeSpan.FromSeconds(1));
        await cluster.WaitForPodDeletedAsync("hooked");
    }

    [Test]
    public async Task Delete_GracePeriodZero_RemovesAtOnceAndAgentCleansUp()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateAsync(NewPod("gone"));
        await cluster.WaitForPodAsync("gone", p => p.IsReady(), "ready");

        await cluster.Store.DeleteAsync(PodKind, "default", "gone", new DeleteOptions { GracePeriodSeconds = 0 });
        await cluster.WaitForPodDeletedAsync("gone");

        await WaitUntilAsync(() => cluster.Runtime.ContainerCount == 0 && cluster.Runtime.SandboxCount == 0, "the containers are removed");
        Assert.That(cluster.Network.AllocatedCount, Is.EqualTo(0));
    }

    [Test]
    public async Task Delete_NamesakeRecreated_NewPodRunsWithNewContainers()
    {
        await using var cluster = await StartAsync();
        var first = await cluster.CreateAsync(NewPod("app"));
        await cluster.WaitForPodAsync("app", p => p.IsReady(), "ready");
        await cluster.Store.DeleteAsync(PodKind, "default", "app", new DeleteOptions { GracePeriodSeconds = 0 });
        await cluster.WaitForPodDeletedAsync("app");

        var second = await cluster.CreateAsync(NewPod("app"));
        var ready = await cluster.WaitForPodAsync("app", p => p.Metadata.Uid == second.Metadata.Uid && p.IsReady(), "the new pod ready");

        await WaitUntilAsync(() => cluster.Runtime.ContainerCount == 1, "only the new pod's container remains");
        Assert.That(cluster.Runtime.FindContainer("default", "app", "app")!.PodUid, Is.EqualTo(second.Metadata.Uid));
        Assert.That(second.Metadata.Uid, Is.Not.EqualTo(first.Metadata.Uid));
        Assert.That(App(ready).RestartCount, Is.EqualTo(0));
    }

    [Test]
    public async Task Delete_CompletedPod_RemovesItsExitedContainers()
    {
        await using var cluster = await StartAsync();
        var pod = NewPod("done") with
        {
            Metadata = NewPod("done").Metadata with { Annotations = Annotations((SimulatedAnnotations.ExitAfter, "1s")) },
            Spec = NewPod("done").Spec with { RestartPolicy = RestartPolicy.Never },
        };
        await cluster.CreateAsync(pod);
        await cluster.WaitForPodAsync("done", p => p.Status?.Phase == PodPhase.Running, "running");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        await cluster.WaitForPodAsync("done", p => p.Status?.Phase == PodPhase.Succeeded, "succeeded");
        Assert.That(cluster.Runtime.ContainerCount, Is.EqualTo(1), "a completed pod keeps its container (logs) until deleted");

        await cluster.Store.DeleteAsync(PodKind, "default", "done");
        await cluster.WaitForPodDeletedAsync("done");

        await WaitUntilAsync(() => cluster.Runtime.ContainerCount == 0 && cluster.Runtime.SandboxCount == 0, "cleaned up");
    }
}
