using System.Net;
using Orchestrator.Docker.Engine;
using Orchestrator.Docker.Networking;

namespace Orchestrator.Docker.Tests.Networking;

/// <summary>The pure pieces of the Docker Service host network: socket tables, gateways, engine locality.</summary>
public sealed class HostNetworkParsingTests
{
    private static readonly object[] SocketLines =
    [
        // Address words are the machine's integers: 10.96.0.5 is 0500600A on a little-endian machine.
        new object?[] { "   0: 0500600A:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1", true, "10.96.0.5" },
        new object?[] { "   1: 0500600A:0050 0200600A:9C40 01 00000000:00000000 00:00000000 00000000     0        0 1 1", true, null },
        new object?[] { "   2: 0500600A:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 1", false, "10.96.0.5" },
        new object?[] { "   3: 0000000000000000FFFF00000500600A:0050 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 1 1", true, "10.96.0.5" },
        new object?[] { "   4: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 1 1", true, "::1" },
        new object?[] { "garbage", true, null },
    ];

    [TestCaseSource(nameof(SocketLines))]
    public void SocketTableParse_Line_ReturnsTheBoundLocalAddress(string line, bool tcp, string? expected)
    {
        Assume.That(BitConverter.IsLittleEndian, "the sample lines are from a little-endian machine");

        Assert.That(SocketTable.Parse(line, tcp)?.ToString(), Is.EqualTo(expected));
    }

    [Test]
    public void SocketTableBoundAddresses_ThisProcessListens_ListsTheAddress()
    {
        Assume.That(OperatingSystem.IsLinux());
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        Assert.That(SocketTable.BoundAddresses(), Does.Contain(IPAddress.Loopback));
    }

    [TestCase("192.168.176.0/20", "192.168.176.1", "192.168.176.1")]
    [TestCase("10.89.3.0/24", null, "10.89.3.1")]
    [TestCase("fd00:1::/64", "fd00:1::1", null)]
    public void GatewayOf_Pool_IsTheIPv4GatewayOrTheSubnetsFirstHost(string subnet, string? gateway, string? expected)
    {
        var ipam = new DockerIpam { Config = [new DockerIpamPool { Subnet = subnet, Gateway = gateway }] };

        Assert.That(DockerNetworkProvider.GatewayOf(ipam)?.ToString(), Is.EqualTo(expected));
    }

    [Test]
    public void GatewayOf_DualStack_PrefersTheIPv4Pool()
    {
        var ipam = new DockerIpam { Config = [new DockerIpamPool { Subnet = "fd00:1::/64", Gateway = "fd00:1::1" }, new DockerIpamPool { Subnet = "10.1.2.0/24", Gateway = "10.1.2.1" }] };

        Assert.That(DockerNetworkProvider.GatewayOf(ipam), Is.EqualTo(IPAddress.Parse("10.1.2.1")));
        Assert.That(DockerNetworkProvider.GatewayOf(null), Is.Null);
    }

    [TestCase("unix:///var/run/docker.sock", true)]
    [TestCase("npipe:////./pipe/docker_engine", true)]
    [TestCase("tcp://127.0.0.1:2375", true)]
    [TestCase("tcp://localhost:2375", true)]
    [TestCase("tcp://[::1]:2375", true)]
    [TestCase("tcp://10.0.0.7:2376", false)]
    [TestCase("https://docker.example.com:2376", false)]
    public void IsLocal_Endpoint_TellsWhetherTheEngineRunsOnThisMachine(string host, bool local)
    {
        Assert.That(DockerNetworkProvider.IsLocal(DockerEndpoint.Parse(host, "test")), Is.EqualTo(local));
    }
}
