using Orchestrator.Api;
using static Orchestrator.Tests.NodeAgent.NodeAgentTestCluster;

namespace Orchestrator.Tests.NodeAgent;

[TestFixture]
[CancelAfter(60_000)]
public sealed class ScaleTests
{
    [Test]
    public async Task Start_ThousandSimulatedNodes_RegisterAndRunAPodEach()
    {
        await using var cluster = await StartAsync(nodes: 1000);

        var nodes = await cluster.Store.ListAsync(ApiResources.For<Node>());
        Assert.That(nodes.Items.Cast<Node>().Count(n => n.IsReady()), Is.EqualTo(1000));
        for (var i = 1; i <= 1000; i++)
        {
            var pod = NewPod($"pod-{i}");
            await cluster.CreateAsync(pod with { Spec = pod.Spec with { NodeName = $"node-{i}" } });
        }

        await WaitUntilAsync(() => Enumerable.Range(1, 1000).All(i => cluster.Get($"pod-{i}")?.IsReady() == true), "every pod is ready");
        Assert.That(cluster.Nodes.Sum(n => n.Runtime.ContainerCount), Is.EqualTo(1000));
        Assert.That(cluster.Nodes.All(n => n.Runtime.ContainerCount == 1), Is.True);
    }
}
