using System.Net;
using Orchestrator.Api;
using Orchestrator.Networking;
using Orchestrator.Store;
using static Orchestrator.Tests.Networking.ServiceNetworkingHarness;

namespace Orchestrator.Tests.Networking;

[TestFixture]
[CancelAfter(30_000)]
public sealed class ClusterDnsServerTests
{
    private const ushort A = 1;
    private const ushort Cname = 5;
    private const ushort Aaaa = 28;
    private const ushort Srv = 33;
    private const ushort Mx = 15;

    [Test]
    public async Task A_ClusterIPService_ResolvesToClusterIPAuthoritatively(CancellationToken ct)
    {
        await using var harness = await StartDnsAsync(ct: ct);
        var dns = await harness.Dns.ExplicitEndPoint.WaitAsync(ct);
        var service = await harness.CreateAsync(Service("web", Port(80, "http")), ct);

        var response = await UntilAnsweredAsync(dns, "web.default.svc.cluster.local", A, ct);

        Assert.That(response.Rcode, Is.EqualTo(0));
        Assert.That(response.Authoritative, Is.True);
        Assert.That(response.Addresses, Is.EqualTo(new[] { IPAddress.Parse(service.Spec.ClusterIP!) }));
        Assert.That(response.Answers.Single().Ttl, Is.EqualTo(5u));
        Assert.That(response.Id, Is.EqualTo(0x1234));
    }

    [Test]
    public async Task A_MixedCaseName_MatchesAndEchoesTheQuestion(CancellationToken ct)
    {
        await using var harness = await StartDnsAsync(ct: ct);
        var dns = await harness.Dns.ExplicitEndPoint.WaitAsync(ct);
        await harness.CreateAsync(Service("web", Port(80)), ct);

        var response = await UntilAnsweredAsync(dns, "WEB.Default.SVC.cluster.local", A, ct);

        Assert.That(response.Answers, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_HeadlessService_ReturnsEveryReadyAddressAndPodHostnames(CancellationToken ct)
    {
        await using var harness = await StartDnsAsync(ct: ct);
        var dns = await harness.Dns.ExplicitEndPoint.WaitAsync(ct);
        var headless = Service("db", Port(5432, "pg"));
        await harness.CreateAsync(headless with { Spec = headless.Spec with { ClusterIP = "None" } }, ct);
        await harness.SetEndpointsAsync(Endpoints("db", new EndpointSubset
        {
            Addresses =
            [
                new EndpointAddress { Ip = "10.240.0.5", Hostname = "db-0" },
                new EndpointAddress { Ip = "10.240.0.6", Hostname = "db-1" },
            ],
            NotReadyAddresses = [new EndpointAddress { Ip = "10.240.0.7", Hostname = "db-2" }],
            Ports = [new EndpointPort { Name = "pg", Port = 5432 }],
        }), ct);

        var all = await UntilAnsweredAsync(dns, "db.default.svc.cluster.local", A, ct);
        var pod = await DnsTestClient.QueryAsync(dns, "db-1.db.default.svc.cluster.local", A, ct);
        var notReady = await DnsTestClient.QueryAsync(dns, "db-2.db.default.svc.cluster.local", A, ct);
        var srv = await DnsTestClient.QueryAsync(dns, "_pg._tcp.db.default.svc.cluster.local", Srv, ct);

        Assert.That(all.Addresses, Is.EquivalentTo(new[] { IPAddress.Parse("10.240.0.5"), IPAddress.Parse("10.240.0.6") }));
        Assert.That(pod.Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.240.0.6") }));
        Assert.That(notReady.Rcode, Is.EqualTo(3), "a not-ready pod has no name");
        Assert.That(srv.Answers, Has.Count.EqualTo(2));
        Assert.That(srv.AdditionalCount, Is.EqualTo(2), "A records of db-0 and db-1");
        Assert.That(SrvTargets(srv), Is.EquivalentTo(new[] { ("db-0.db.default.svc.cluster.local", 5432), ("db-1.db.default.svc.cluster.local", 5432) }));
    }

    [Test]
    public async Task Srv_NamedPort_PointsAtTheServiceName(CancellationToken ct)
    {
        await using var harness = await StartDnsAsync(ct: ct);
        var dns = await harness.Dns.ExplicitEndPoint.WaitAsync(ct);
        await harness.CreateAsync(Service("web", Port(80, "http"), Port(53, "dns", Protocol.Udp)), ct);

        var http = await UntilAnsweredAsync(dns, "_http._tcp.web.default.svc.cluster.local", Srv, ct);
        var udp = await DnsTestClient.QueryAsync(dns, "_dns._udp.web.default.svc.cluster.local", Srv, ct);
        var wrongProtocol = await DnsTestClient.QueryAsync(dns, "_http._udp.web.default.svc.cluster.local", Srv, ct);

        Assert.That(SrvTargets(http), Is.EqualTo(new[] { ("web.default.svc.cluster.local", 80) }));
        Assert.That(http.AdditionalCount, Is.EqualTo(1));
        Assert.That(SrvTargets(udp), Is.EqualTo(new[] { ("web.default.svc.cluster.local", 53) }));
        Assert.That(wrongProtocol.Rcode, Is.EqualTo(3));
    }

    [Test]
    public async Task Cname_ExternalNameService_AliasesTheExternalName(CancellationToken ct)
    {
        await using var harness = await StartDnsAsync(ct: ct);
        var dns = await harness.Dns.ExplicitEndPoint.WaitAsync(ct);
        var external = Service("ext") with { Spec = new ServiceSpec { Type = ServiceType.ExternalName, ExternalName = "db.example.test" } };
        await harness.CreateAsync(external, ct);

        var response = await UntilAnsweredAsync(dns, "ext.default.svc.cluster.local", A, ct);

        Assert.That(response.Answers[0].Type, Is.EqualTo(Cname));
        Assert.That(response.Answers[0].Target, Is.EqualTo("db.example.test"));
    }

    [Test]
    public async Task Cname_ExternalNameWithUpstream_AppendsTheTargetsAddresses(CancellationToken ct)
    {
        using var upstream = new FakeUpstreamDns(IPAddress.Parse("127.0.0.7"));
        await using var harness = await StartDnsAsync([upstream.EndPoint.ToString()], ct);
        var dns = await harness.Dns.ExplicitEndPoint.WaitAsync(ct);
        var external = Service("ext") with { Spec = new ServiceSpec { Type = ServiceType.ExternalName, ExternalName = "db.example.test" } };
        await harness.CreateAsync(external, ct);

        var response = await UntilAnsweredAsync(dns, "ext.default.svc.cluster.local", A, ct);

        Assert.That(response.Answers.Select(a => a.Type), Is.EqualTo(new[] { Cname, A }));
        Assert.That(response.Addresses, Is.EqualTo(new[] { IPAddress.Parse("192.0.2.1") }));
    }

    [TestCase("nope.default.svc.cluster.local")]
    [TestCase("web.other.svc.cluster.local")]
    [TestCase("a.b.c.d.e.f.svc.cluster.local")]
    [TestCase("web.default.cluster.local")]
    [TestCase("google.com.default.svc.cluster.local")]
    public async Task Unknown_NameInClusterDomain_IsNxDomainAuthoritative(string name, CancellationToken ct)
    {
        await using var harness = await StartDnsAsync(ct: ct);
        var dns = await harness.Dns.ExplicitEndPoint.WaitAsync(ct);
        await harness.CreateAsync(Service("web", Port(80)), ct);
        await UntilAnsweredAsync(dns, "web.default.svc.cluster.local", A, ct);

        var response = await DnsTestClient.QueryAsync(dns, name, A, ct);

        Assert.That(response.Rcode, Is.EqualTo(3));
        Assert.That(response.Authoritative, Is.True);
    }

    [TestCase(Aaaa)]
    [TestCase(Mx)]
    public async Task OtherType_ExistingServiceName_IsNoData(ushort type, CancellationToken ct)
    {
        await using var harness = await StartDnsAsync(ct: ct);
        var dns = await harness.Dns.ExplicitEndPoint.WaitAsync(ct);
        await harness.CreateAsync(Service("web", Port(80)), ct);
        await UntilAnsweredAsync(dns, "web.default.svc.cluster.local", A, ct);

        var response = await DnsTestClient.QueryAsync(dns, "web.default.svc.cluster.local", type, ct);

        Assert.That(response.Rcode, Is.EqualTo(0));
        Assert.That(response.Answers, Is.Empty);
    }

    [Test]
    public async Task Tcp_Query_IsAnswered(CancellationToken ct)
    {
        await using var harness = await StartDnsAsync(ct: ct);
        var dns = await harness.Dns.ExplicitEndPoint.WaitAsync(ct);
        var service = await harness.CreateAsync(Service("web", Port(80)), ct);
        await UntilAnsweredAsync(dns, "web.default.svc.cluster.local", A, ct);

        var response = await DnsTestClient.QueryAsync(dns, "web.default.svc.cluster.local", A, ct, tcp: true);

        Assert.That(response.Addresses, Is.EqualTo(new[] { IPAddress.Parse(service.Spec.ClusterIP!) }));
    }

    [Test]
    public async Task Udp_LargeAnswer_IsTruncatedAndComesWholeOverTcp(CancellationToken ct)
    {
        await using var harness = await StartDnsAsync(ct: ct);
        var dns = await harness.Dns.ExplicitEndPoint.WaitAsync(ct);
        var headless = Service("many", Port(80));
        await harness.CreateAsync(headless with { Spec = headless.Spec with { ClusterIP = "None" } }, ct);
        var addresses = Enumerable.Range(1, 60).Select(i => IPAddress.Parse($"10.240.1.{i}")).ToArray();
        await harness.SetEndpointsAsync(Endpoints("many", Subset(80, null, addresses)), ct);
        await UntilAsync(async () => (await DnsTestClient.QueryAsync(dns, "many.default.svc.cluster.local", A, ct, tcp: true)).Answers.Count == 60,
            "60 addresses resolve", ct);

        var udp = await DnsTestClient.QueryAsync(dns, "many.default.svc.cluster.local", A, ct);
        var tcp = await DnsTestClient.QueryAsync(dns, "many.default.svc.cluster.local", A, ct, tcp: true);

        Assert.That(udp.Truncated, Is.True);
        Assert.That(udp.Length, Is.LessThanOrEqualTo(512));
        Assert.That(tcp.Truncated, Is.False);
        Assert.That(tcp.Addresses, Is.EquivalentTo(addresses));
    }

    [Test]
    public async Task Forward_NameOutsideClusterDomain_AsksTheUpstream(CancellationToken ct)
    {
        using var upstream = new FakeUpstreamDns(IPAddress.Parse("127.0.0.7"));
        await using var harness = await StartDnsAsync([upstream.EndPoint.ToString()], ct);
        var dns = await harness.Dns.ExplicitEndPoint.WaitAsync(ct);

        var udp = await DnsTestClient.QueryAsync(dns, "www.example.test", A, ct, id: 0x4242);
        var tcp = await DnsTestClient.QueryAsync(dns, "www.example.test", A, ct, tcp: true);

        Assert.That(udp.Id, Is.EqualTo(0x4242));
        Assert.That(udp.Addresses, Is.EqualTo(new[] { IPAddress.Parse("192.0.2.1") }));
        Assert.That(tcp.Addresses, Is.EqualTo(new[] { IPAddress.Parse("192.0.2.1") }));
        Assert.That(upstream.Queries, Is.EqualTo(2));
    }

    [Test]
    public async Task Forward_UpstreamDown_TriesTheNextOne(CancellationToken ct)
    {
        using var upstream = new FakeUpstreamDns(IPAddress.Parse("127.0.0.7"));
        // 127.0.0.9 has nothing listening: the UDP query is refused (ICMP) and the next upstream answers
        await using var harness = await StartDnsAsync(["127.0.0.9:" + upstream.EndPoint.Port, upstream.EndPoint.ToString()], ct);
        var dns = await harness.Dns.ExplicitEndPoint.WaitAsync(ct);

        var response = await DnsTestClient.QueryAsync(dns, "www.example.test", A, ct);

        Assert.That(response.Addresses, Is.EqualTo(new[] { IPAddress.Parse("192.0.2.1") }));
    }

    [Test]
    public async Task Forward_NoUpstream_IsServFail(CancellationToken ct)
    {
        await using var harness = await StartDnsAsync([], ct);
        var dns = await harness.Dns.ExplicitEndPoint.WaitAsync(ct);

        var response = await DnsTestClient.QueryAsync(dns, "www.example.test", A, ct);

        Assert.That(response.Rcode, Is.EqualTo(2));
        Assert.That(response.Id, Is.EqualTo(0x1234));
    }

    [Test]
    public async Task Pod_DashedAddress_ResolvesToIt(CancellationToken ct)
    {
        await using var harness = await StartDnsAsync(ct: ct);
        var dns = await harness.Dns.ExplicitEndPoint.WaitAsync(ct);

        var response = await DnsTestClient.QueryAsync(dns, "10-240-0-5.default.pod.cluster.local", A, ct);

        Assert.That(response.Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.240.0.5") }));
    }

    [Test]
    public async Task PodFacing_HostNetwork_ListensOnEveryPodFacingAddress(CancellationToken ct)
    {
        var hostNetwork = new LoopbackServiceHostNetwork(IPAddress.Parse("127.0.0.12"));
        await using var harness = await StartAsync(
            new ServiceNetworkingOptions { UpstreamDnsServers = [], AddressRefreshInterval = TimeSpan.FromMilliseconds(100) },
            hostNetwork, podFacingDnsPort: Loopback.FreePort(System.Net.Sockets.SocketType.Dgram, IPAddress.Parse("127.0.0.12"), IPAddress.Parse("127.0.0.13")), ct: ct);
        await harness.CreateAsync(Service("web", Port(80)), ct);
        await UntilAsync(() => Task.FromResult(harness.Dns.EndPoints.Any(e => e.Address.Equals(IPAddress.Parse("127.0.0.12")))), "DNS listens on 127.0.0.12", ct);
        var first = harness.Dns.EndPoints.Single();
        await UntilAnsweredAsync(first, "web.default.svc.cluster.local", A, ct);

        // When a node joins with another pod-facing address, DNS listens there too
        hostNetwork.SetPodFacing(IPAddress.Parse("127.0.0.12"), IPAddress.Parse("127.0.0.13"));
        await UntilAsync(() => Task.FromResult(harness.Dns.EndPoints.Count == 2), "DNS listens on 127.0.0.13 too", ct);
        var second = harness.Dns.EndPoints.Single(e => e.Address.Equals(IPAddress.Parse("127.0.0.13")));
        var response = await DnsTestClient.QueryAsync(second, "web.default.svc.cluster.local", A, ct);
        Assert.That(response.Answers, Has.Count.EqualTo(1));
    }

    private static Task<ServiceNetworkingHarness> StartDnsAsync(IReadOnlyList<string>? upstreams = null, CancellationToken ct = default) =>
        StartAsync(new ServiceNetworkingOptions { DnsEndPoint = "127.0.0.1:0", UpstreamDnsServers = upstreams ?? [] }, ct: ct);

    private static IEnumerable<(string Target, int Port)> SrvTargets(DnsTestResponse response) =>
        response.Answers.Where(a => a.Type == Srv).Select(a => (ReadSrvTarget(a.Data), (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(a.Data.AsSpan(4))));

    /// <summary>SRV targets are written uncompressed (RFC 2782), so the rdata alone holds the whole name.</summary>
    private static string ReadSrvTarget(byte[] data)
    {
        var offset = 6;
        Assert.That(Orchestrator.Networking.Dns.DnsQuery.TryReadName(data, ref offset, out var name), Is.True);
        return name;
    }

    private static async Task<DnsTestResponse> UntilAnsweredAsync(IPEndPoint dns, string name, ushort type, CancellationToken ct)
    {
        DnsTestResponse? last = null;
        await UntilAsync(async () => (last = await DnsTestClient.QueryAsync(dns, name, type, ct)).Answers.Count > 0, $"{name} resolves", ct);
        return last!;
    }
}
