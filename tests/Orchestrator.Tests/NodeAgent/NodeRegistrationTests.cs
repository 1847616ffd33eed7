using Orchestrator.Api;
using Orchestrator.Runtime.Simulated;
using static Orchestrator.Tests.NodeAgent.NodeAgentTestCluster;

namespace Orchestrator.Tests.NodeAgent;

[TestFixture]
[CancelAfter(30_000)]
public sealed class NodeRegistrationTests
{
    private static async Task<Node> GetNodeAsync(NodeAgentTestCluster cluster, string name) =>
        (Node)(await cluster.Store.GetAsync(ApiResources.For<Node>(), null, name))!;

    [Test]
    public async Task Start_SimulatedNodes_RegisterReadyNodesWithCapacityLabelsAndInfo()
    {
        await using var cluster = await StartAsync(nodes: 3, configure: o =>
        {
            o.Cpu = Quantity.Parse("8");
            o.Zones.AddRange(["zone-a", "zone-b"]);
            o.Labels["pool"] = "general";
            o.Taints.Add(new Taint { Key = "dedicated", Value = "batch", Effect = TaintEffect.NoSchedule });
        });

        var node = await GetNodeAsync(cluster, "node-2");

        Assert.Multiple(() =>
        {
            Assert.That(node.IsReady(), Is.True);
            Assert.That(node.Metadata.Labels["kubernetes.io/hostname"], Is.EqualTo("node-2"));
            Assert.That(node.Metadata.Labels["kubernetes.io/os"], Is.EqualTo("linux"));
            Assert.That(node.Metadata.Labels["topology.kubernetes.io/zone"], Is.EqualTo("zone-b"));
            Assert.That(node.Metadata.Labels["pool"], Is.EqualTo("general"));
            Assert.That(node.Spec.Taints.Single().Key, Is.EqualTo("dedicated"));
            var status = node.Status!;
            Assert.That(status.Capacity["cpu"], Is.EqualTo(Quantity.Parse("8")));
            Assert.That(status.Capacity["memory"], Is.EqualTo(Quantity.Parse("16Gi")));
            Assert.That(status.Capacity["pods"], Is.EqualTo(Quantity.Parse("110")));
            Assert.That(status.Allocatable["cpu"], Is.EqualTo(Quantity.Parse("8")));
            Assert.That(status.Conditions.Select(c => (c.Type, c.Status)), Is.EquivalentTo(new[]
            {
                (NodeConditionType.Ready, ConditionStatus.True),
                (NodeConditionType.MemoryPressure, ConditionStatus.False),
                (NodeConditionType.DiskPressure, ConditionStatus.False),
                (NodeConditionType.PidPressure, ConditionStatus.False),
            }));
            Assert.That(status.NodeInfo!.ContainerRuntimeVersion, Is.EqualTo("simulated://1.0.0"));
            Assert.That(status.NodeInfo.KubeletVersion, Is.EqualTo(cluster.Options.AgentVersion));
            Assert.That(status.Addresses.Single(a => a.Type == NodeAddressType.InternalIP).Address, Is.EqualTo("172.16.0.2"));
            Assert.That(status.Images.SelectMany(i => i.Names), Does.Contain("busybox:1.36"));
        });
    }

    [Test]
    public async Task Heartbeat_IntervalPasses_RefreshesLastHeartbeatTime()
    {
        await using var cluster = await StartAsync();
        var registered = await GetNodeAsync(cluster, "node-1");
        var first = registered.Status!.GetCondition(NodeConditionType.Ready)!;

        await cluster.AdvanceAsync(cluster.Options.HeartbeatInterval);
        var expected = first.LastHeartbeatTime + cluster.Options.HeartbeatInterval;
        Node node = registered;
        await WaitUntilAsync(() =>
        {
            node = GetNodeAsync(cluster, "node-1").GetAwaiter().GetResult();
            return node.Status!.GetCondition(NodeConditionType.Ready)!.LastHeartbeatTime == expected;
        }, "a heartbeat");

        var ready = node.Status!.GetCondition(NodeConditionType.Ready)!;
        Assert.That(ready.LastTransitionTime, Is.EqualTo(first.LastTransitionTime), "a heartbeat is not a transition");
    }

    [Test]
    public async Task Heartbeat_NodeDeleted_IsRegisteredAgain()
    {
        await using var cluster = await StartAsync();
        await cluster.Store.DeleteAsync(ApiResources.For<Node>(), null, "node-1");

        await cluster.AdvanceAsync(cluster.Options.HeartbeatInterval);

        await WaitUntilAsync(() => cluster.Store.GetAsync(ApiResources.For<Node>(), null, "node-1").AsTask().GetAwaiter().GetResult() is Node { Status: not null },
            "node-1 registered again");
    }

    [Test]
    public void Create_Nodes_AreNamedAndAddressedDistinctly()
    {
        var nodes = SimulatedNodes.Create(300);

        Assert.That(nodes.Select(n => n.Name).Take(3), Is.EqualTo(new[] { "node-1", "node-2", "node-3" }));
        Assert.That(nodes.Select(n => n.Registration.InternalIP).Distinct().Count(), Is.EqualTo(300));
        Assert.That(nodes["node-300"].Runtime, Is.Not.SameAs(nodes["node-299"].Runtime));
    }
}
