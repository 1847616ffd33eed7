using System.Net;
using Orchestrator.Docker.Engine;
using Orchestrator.Docker.Hosting;
using Orchestrator.Docker.Networking;
using Orchestrator.Docker.Tests.Runtime;

namespace Orchestrator.Docker.Tests.Networking;

/// <summary>The Docker Service host network on the two real test engines.</summary>
public sealed class DockerServiceHostNetworkTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task GetPodFacingAddressesAsync_NodesOnTwoEngines_AreTheGatewaysOfTheirPodNetworks(CancellationToken ct)
    {
        // Given three nodes: two on the first engine (sharing its pod network) and one on the second
        (await DockerTestEnvironment.ConnectAsync(ct: ct)).Dispose();
        (await DockerTestEnvironment.ConnectSecondHostAsync(ct)).Dispose();
        var clusterId = "hostnet-" + DockerTestEnvironment.NewRunId();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "orch-docker-tests", clusterId);
        var options = DockerRuntimeFixture.Options(clusterId, dataDirectory, "a-1");
        options.Hosts.Add(new DockerHostOptions { Name = "a-2" });
        options.Hosts.Add(new DockerHostOptions { Name = "b-1", Endpoint = new DockerEndpointOptions { Host = DockerTestEnvironment.SecondHost } });
        await using var nodes = await DockerNodes.ConnectAsync(options, cancellationToken: ct);
        try
        {
            await using var network = new DockerServiceHostNetwork(nodes.Networks, new LoopbackAddresses(new IpCommand()));

            // When the pod-facing addresses are read
            var addresses = await network.GetPodFacingAddressesAsync(ct);

            // Then they are the two networks' gateways, as the engines report them, once each
            var expected = new List<IPAddress>();
            foreach (var node in new[] { nodes["a-1"], nodes["b-1"] })
            {
                var inspected = await node.Runtime.Client.InspectNetworkAsync($"orchestrator-{clusterId}", ct);
                expected.Add(IPAddress.Parse(inspected.IPAM!.Config!.First(p => p.Gateway is not null && !p.Gateway.Contains(':')).Gateway!));
            }
            Assert.That(addresses, Is.EquivalentTo(expected));
        }
        finally
        {
            await nodes.PurgeAsync(ct);
            if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ConnectCoreAsync_WithClusterDns_GivesEachNodeItsOwnGatewayAsClusterDns(CancellationToken ct)
    {
        // Given a node on each engine, connected for the in-process cluster DNS
        (await DockerTestEnvironment.ConnectSecondHostAsync(ct)).Dispose();
        var clusterId = "dns-" + DockerTestEnvironment.NewRunId();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "orch-docker-tests", clusterId);
        var options = DockerRuntimeFixture.Options(clusterId, dataDirectory, "a");
        options.Hosts.Add(new DockerHostOptions { Name = "b", Endpoint = new DockerEndpointOptions { Host = DockerTestEnvironment.SecondHost } });
        await using var nodes = await DockerNodes.ConnectCoreAsync(options, null, null, clusterDns: true, ct);
        try
        {
            // Then each registration names its own network's gateway, which differ
            var a = await nodes.Networks[0].GetGatewayAsync(ct);
            var b = await nodes.Networks[1].GetGatewayAsync(ct);
            Assert.That(nodes["a"].Registration.ClusterDns, Is.EqualTo(new[] { a!.ToString() }));
            Assert.That(nodes["b"].Registration.ClusterDns, Is.EqualTo(new[] { b!.ToString() }));
            Assert.That(a, Is.Not.EqualTo(b));
        }
        finally
        {
            await nodes.PurgeAsync(ct);
            if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
