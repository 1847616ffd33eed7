using Orchestrator.Api;
using Orchestrator.Scheduling;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling;

public sealed class SchedulerCacheTests
{
    [Test]
    public void Assume_CountsPodOnNodeAtOnce()
    {
        var cache = Cache([Node("n")]);

        cache.Assume(new PodInfo(Pod("p", cpu: "1")), "n");

        Assert.Multiple(() =>
        {
            Assert.That(cache.GetNode("n")!.Requested.MilliCpu, Is.EqualTo(1000));
            Assert.That(cache.IsAssumed("default/p"), Is.True);
        });
    }

    [Test]
    public void Forget_AssumedPod_ReleasesResources()
    {
        var cache = Cache([Node("n")]);
        cache.Assume(new PodInfo(Pod("p", cpu: "1")), "n");

        cache.Forget("default/p");

        Assert.Multiple(() =>
        {
            Assert.That(cache.GetNode("n")!.Requested.MilliCpu, Is.Zero);
            Assert.That(cache.GetNode("n")!.Pods, Is.Empty);
        });
    }

    [Test]
    public void AddOrUpdatePod_ConfirmsAssumption_AndForgetThenDoesNothing()
    {
        var cache = Cache([Node("n")]);
        cache.Assume(new PodInfo(Pod("p", cpu: "1")), "n");

        cache.AddOrUpdatePod(Pod("p", cpu: "1", nodeName: "n"));
        cache.Forget("default/p");

        Assert.Multiple(() =>
        {
            Assert.That(cache.IsAssumed("default/p"), Is.False);
            Assert.That(cache.GetNode("n")!.Pods, Has.Count.EqualTo(1));
            Assert.That(cache.GetNode("n")!.Requested.MilliCpu, Is.EqualTo(1000));
        });
    }

    [Test]
    public void AddOrUpdatePod_TerminalPod_IsRemoved()
    {
        var cache = Cache([Node("n")], [Pod("p", cpu: "1", nodeName: "n")]);

        cache.AddOrUpdatePod(Pod("p", cpu: "1", nodeName: "n") with { Status = new PodStatus { Phase = PodPhase.Failed } });

        Assert.That(cache.GetNode("n")!.Requested.MilliCpu, Is.Zero);
    }

    [Test]
    public void AddOrUpdatePod_BeforeNode_IsKeptOnPlaceholderUntilNodeArrives()
    {
        var cache = new SchedulerCache();
        cache.AddOrUpdatePod(Pod("p", cpu: "1", nodeName: "late"));

        Assert.That(cache.Nodes, Is.Empty);
        cache.AddOrUpdateNode(Node("late"));

        Assert.That(cache.GetNode("late")!.Requested.MilliCpu, Is.EqualTo(1000));
    }

    [Test]
    public void RemoveNode_HidesNodeButKeepsPodsAccounted()
    {
        var cache = Cache([Node("n"), Node("m")], [Pod("p", nodeName: "n")]);

        cache.RemoveNode("n");

        Assert.Multiple(() =>
        {
            Assert.That(cache.Nodes.Select(n => n.Name), Is.EqualTo(new[] { "m" }));
            Assert.That(cache.NodeOf("default/p"), Is.EqualTo("n"));
        });
    }

    [Test]
    public void ImageNodeCount_FollowsNodeUpdates()
    {
        var image = new ContainerImage { Names = ["nginx:1.27"], SizeBytes = 100 };
        var cache = Cache([Node("a", images: [image]), Node("b", images: [image])]);

        cache.AddOrUpdateNode(Node("b"));

        Assert.That(cache.ImageNodeCount("nginx:1.27"), Is.EqualTo(1));
    }

    [Test]
    public void UsedPorts_ReleasedWhenPodRemoved()
    {
        var port = new ContainerPort { Port = 80, HostPort = 8080 };
        var cache = Cache([Node("n")], [Pod("p", nodeName: "n", ports: [port])]);

        cache.RemovePod("default/p");

        Assert.That(cache.GetNode("n")!.UsedPorts, Is.Empty);
    }
}
