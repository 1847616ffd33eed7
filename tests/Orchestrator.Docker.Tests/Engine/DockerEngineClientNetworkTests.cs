using Orchestrator.Docker.Engine;

namespace Orchestrator.Docker.Tests.Engine;

/// <summary>User-defined networks: create with labels and a subnet, connect with aliases, DNS between containers, removal.</summary>
public sealed class DockerEngineClientNetworkTests : EngineTestBase
{
    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task NetworkLifecycle_CreateConnectResolveDisconnectRemove(CancellationToken ct)
    {
        // Given a labelled bridge network with its own subnet
        string name = UniqueName("net");
        string subnet = $"10.213.{Random.Shared.Next(1, 250)}.0/24";
        string gateway = subnet.Replace(".0/24", ".1", StringComparison.Ordinal);
        string networkId = await Client.CreateNetworkAsync(
            new NetworkCreateRequest
            {
                Name = name,
                Labels = Labels("network"),
                IPAM = new DockerIpam { Config = [new DockerIpamPool { Subnet = subnet, Gateway = gateway }] },
            },
            ct);
        NetworkResponse created = await Client.InspectNetworkAsync(name, ct);
        Assert.That(created.Id, Is.EqualTo(networkId));
        Assert.That(created.Driver, Is.EqualTo("bridge"));
        Assert.That(created.IPAM!.Config!.Single().Subnet, Is.EqualTo(subnet));
        Assert.That(created.Labels, Does.ContainKey(DockerTestEnvironment.RunLabel).WithValue(RunId));
        Assert.That((await Client.ListNetworksAsync(DockerFilters.Label(DockerTestEnvironment.RunLabel, RunId), ct)).Select(n => n.Id), Does.Contain(networkId));

        // When a running container is connected with an alias, and a client container is created on the network
        string serverId = await RunAsync(Busybox("sleep", "300"), ct);
        await Client.ConnectNetworkAsync(networkId, serverId, new DockerEndpointSettings { Aliases = ["web-alias"] }, ct);
        string clientId = await RunAsync(Busybox("sleep", "300") with { HostConfig = new DockerHostConfig { NetworkMode = name } }, ct);

        // Then both sides see the attachment, and the alias resolves to the server's address on that network
        ContainerInspectResponse server = await Client.InspectContainerAsync(serverId, ct);
        DockerEndpointSettings endpoint = server.NetworkSettings.Networks![name];
        Assert.That(endpoint.IPAddress, Does.StartWith(subnet[..^4]));
        Assert.That(endpoint.Aliases, Does.Contain("web-alias"));
        NetworkResponse attached = await Client.InspectNetworkAsync(networkId, ct);
        Assert.That(attached.Containers, Does.ContainKey(serverId).And.ContainKey(clientId));
        Assert.That(attached.Containers![serverId].IPv4Address, Is.EqualTo(endpoint.IPAddress + "/24"));
        ExecResult lookup = await Client.ExecAsync(clientId, new ExecCreateRequest { Cmd = ["nslookup", "web-alias"] }, TimeSpan.FromSeconds(20), ct: ct);
        Assert.That(lookup.Stdout, Does.Contain(endpoint.IPAddress), lookup.Stderr);

        // When the server is disconnected and the network removed (after its last container)
        await Client.DisconnectNetworkAsync(networkId, serverId, force: false, ct);
        Assert.That((await Client.InspectNetworkAsync(networkId, ct)).Containers, Does.Not.ContainKey(serverId));
        Assert.That((await Client.InspectContainerAsync(serverId, ct)).NetworkSettings.Networks, Does.Not.ContainKey(name));
        var inUse = Assert.ThrowsAsync<DockerApiException>(() => Client.RemoveNetworkAsync(networkId, ct));
        Assert.That(inUse!.EngineMessage, Does.Contain("active endpoints"));
        await Client.RemoveContainerAsync(clientId, force: true, ct: ct);
        await Client.RemoveNetworkAsync(networkId, ct);

        // Then it is gone
        Assert.ThrowsAsync<DockerNotFoundException>(() => Client.InspectNetworkAsync(networkId, ct));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public void RemoveNetworkAsync_MissingNetwork_ThrowsNotFound(CancellationToken ct) =>
        Assert.ThrowsAsync<DockerNotFoundException>(() => Client.RemoveNetworkAsync("orch-test-no-such-network", ct));
}
