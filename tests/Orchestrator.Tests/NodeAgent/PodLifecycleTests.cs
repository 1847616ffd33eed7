using Orchestrator.Api;
using Orchestrator.Runtime;
using Orchestrator.Runtime.Simulated;
using static Orchestrator.Tests.NodeAgent.NodeAgentTestCluster;

namespace Orchestrator.Tests.NodeAgent;

[TestFixture]
[CancelAfter(30_000)]
public sealed class PodLifecycleTests
{
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
    }
}
