using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.NodeAgent;
using Orchestrator.Runtime.Simulated;
using Orchestrator.Store;
using Orchestrator.Tests.NodeAgent;
using Orchestrator.Tests.Testing;

namespace Orchestrator.Tests.Runtime;

[TestFixture]
[CancelAfter(30_000)]
public sealed class SimulatedNodesHostingTests
{
    [Test]
    public async Task AddSimulatedNodes_InAHost_NodesRegisterAndRunPods(CancellationToken ct)
    {
        // The entry point: a store, simulated nodes and their agents in a generic host.
        var time = new FakeTimeProvider();
        var store = new InMemoryObjectStore(time);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IObjectStore>(store);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSimulatedNodes(3, o => o.PreloadedImages.Add("busybox:1.36"));
        builder.Services.AddNodeAgents(o => o with { HeartbeatInterval = TimeSpan.FromSeconds(5) });
        using var host = builder.Build();

        await host.StartAsync(ct);
        await host.Services.GetRequiredService<NodeAgentHost>().Ready.WaitAsync(ct);
        await store.CreateAsync(new Pod
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = "default" },
            Spec = new PodSpec { NodeName = "node-3", Containers = [new Container { Name = "app", Image = "busybox:1.36" }] },
        }, ct);
        var nodes = host.Services.GetRequiredService<SimulatedNodes>();
        await NodeAgentTestCluster.WaitUntilAsync(() => nodes["node-3"].Runtime.ContainerCount == 1, "the pod runs on node-3");

        var registered = await store.ListAsync(ApiResources.For<Node>(), cancellationToken: ct);
        Assert.That(registered.Items.Select(n => n.Metadata.Name), Is.EquivalentTo(new[] { "node-1", "node-2", "node-3" }));
        Assert.That(host.Services.GetRequiredService<NodeAgentOptions>().HeartbeatInterval, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(nodes["node-1"].Runtime.ContainerCount, Is.Zero);
        await host.StopAsync(ct);
    }
}
