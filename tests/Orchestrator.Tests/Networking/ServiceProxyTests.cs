using System.Net;
using System.Net.Sockets;
using System.Text;
using Orchestrator.Api;
using Orchestrator.Networking;
using Orchestrator.Store;
using static Orchestrator.Tests.Networking.ServiceNetworkingHarness;

namespace Orchestrator.Tests.Networking;

[TestFixture]
[CancelAfter(30_000)]
public sealed class ServiceProxyTests
{
    private static readonly IPAddress[] Trio = [IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.3"), IPAddress.Parse("127.0.0.4")];

    [Test]
    public async Task GetServiceAddress_ThreeBackends_SpreadsConnectionsRoundRobin(CancellationToken ct)
    {
        // Given a Service with three ready backends
        var backends = Loopback.TcpTrio();
        await using var _ = new AsyncDisposables(backends);
        await using var harness = await StartAsync(ct: ct);
        await harness.CreateAsync(Service("web", Port(80)), ct);
        await harness.SetEndpointsAsync(Endpoints("web", Subset(backends[0].EndPoint.Port, null, Trio)), ct);
        var address = await harness.Addresses.GetServiceAddressAsync("default", "web", 80, ct);
        await UntilBackendsAsync(address, 3, ct);

        // When nine connections are made one after the other
        var seen = new List<string>();
        for (var i = 0; i < 9; i++) seen.Add(await Loopback.WhoAsync(address, ct));

        // Then each backend got three, in turn
        Assert.That(address.Address, Is.EqualTo(IPAddress.Loopback));
        Assert.That(seen.GroupBy(s => s).Select(g => g.Count()), Is.EquivalentTo(new[] { 3, 3, 3 }), string.Join(",", seen));
        Assert.That(seen.Take(3).Distinct().Count(), Is.EqualTo(3), "consecutive connections go to different backends");
    }

    [Test]
    public async Task Relay_ClientHalfCloses_StillReceivesResponse(CancellationToken ct)
    {
        var backends = Loopback.TcpTrio();
        await using var _ = new AsyncDisposables(backends);
        await using var harness = await StartAsync(ct: ct);
        await harness.CreateAsync(Service("web", Port(80)), ct);
        await harness.SetEndpointsAsync(Endpoints("web", Subset(backends[0].EndPoint.Port, null, Trio[0])), ct);
        var address = await harness.Addresses.GetServiceAddressAsync("default", "web", 80, ct);
        await UntilBackendsAsync(address, 1, ct);

        // When the client sends a request and shuts down its sending side
        var (socket, backend) = await Loopback.ConnectAsync(address, ct);
        using (socket)
        {
            var payload = new string('x', 300_000);
            await socket.SendAsync(Encoding.ASCII.GetBytes(payload), SocketFlags.None, ct);
            socket.Shutdown(SocketShutdown.Send);

            // Then the backend saw the end of the request (it answers "bye" only then) and the whole echo arrives
            var rest = await Loopback.ReadToEndAsync(socket, ct);
            Assert.That(backend, Is.EqualTo("b1"));
            Assert.That(rest, Is.EqualTo(payload + "bye\n"));
        }
    }

    [Test]
    public async Task Affinity_ClientIP_PinsEachClientToOneBackend(CancellationToken ct)
    {
        var backends = Loopback.TcpTrio();
        await using var _ = new AsyncDisposables(backends);
        await using var harness = await StartAsync(ct: ct);
        var service = Service("sticky", Port(80)) is var s
            ? s with
            {
                Spec = s.Spec with
                {
                    SessionAffinity = SessionAffinity.ClientIP,
                    SessionAffinityConfig = new SessionAffinityConfig { ClientIP = new ClientIPConfig { TimeoutSeconds = 60 } },
                },
            }
            : null!;
        await harness.CreateAsync(service, ct);
        await harness.SetEndpointsAsync(Endpoints("sticky", Subset(backends[0].EndPoint.Port, null, Trio)), ct);
        var address = await harness.Addresses.GetServiceAddressAsync("default", "sticky", 80, ct);
        // (The probes come from 127.0.0.1, pinned to one backend; the three were written at once.)
        await UntilBackendsAsync(address, 1, ct);

        // When two clients (source addresses 127.0.0.10 and 127.0.0.11) connect five times each
        var first = new List<string>();
        var second = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            first.Add(await Loopback.WhoAsync(address, ct, IPAddress.Parse("127.0.0.10")));
            second.Add(await Loopback.WhoAsync(address, ct, IPAddress.Parse("127.0.0.11")));
        }

        // Then every connection of a client went to the same backend
        Assert.That(first.Distinct().Count(), Is.EqualTo(1), string.Join(",", first));
        Assert.That(second.Distinct().Count(), Is.EqualTo(1), string.Join(",", second));
        Assert.That(second[0], Is.Not.EqualTo(first[0]), "new clients are spread round-robin before they are pinned");
    }

    [Test]
    public async Task Backends_EndpointRemoved_GetsNoNewConnectionsAndOpenOneKeepsWorking(CancellationToken ct)
    {
        var backends = Loopback.TcpTrio();
        await using var _ = new AsyncDisposables(backends);
        await using var harness = await StartAsync(ct: ct);
        await harness.CreateAsync(Service("web", Port(80)), ct);
        await harness.SetEndpointsAsync(Endpoints("web", Subset(backends[0].EndPoint.Port, null, Trio)), ct);
        var address = await harness.Addresses.GetServiceAddressAsync("default", "web", 80, ct);
        await UntilBackendsAsync(address, 3, ct);
        // An open connection to b3
        Socket? open = null;
        for (var i = 0; i < 3 && open is null; i++)
        {
            var (socket, name) = await Loopback.ConnectAsync(address, ct);
            if (name == "b3") open = socket;
            else socket.Dispose();
        }
        Assert.That(open, Is.Not.Null, "one of three round-robin connections reaches b3");
        using var openConnection = open!;

        // When b3 leaves the endpoints
        await harness.SetEndpointsAsync(Endpoints("web", Subset(backends[0].EndPoint.Port, null, Trio[0], Trio[1])), ct);
        await UntilAsync(async () => !(await WhoManyAsync(address, 4, ct)).Contains("b3"), "b3 gets no new connections", ct);
        var accepted = backends[2].Accepted;

        // Then twenty new connections avoid it, and the open one still echoes
        var seen = await WhoManyAsync(address, 20, ct);
        Assert.That(seen, Has.None.EqualTo("b3"));
        Assert.That(backends[2].Accepted, Is.EqualTo(accepted));
        await openConnection.SendAsync("ping\n"u8.ToArray(), SocketFlags.None, ct);
        Assert.That(await Loopback.ReadLineAsync(openConnection, ct), Is.EqualTo("ping"));
    }

    [Test]
    public async Task Connect_DeadBackend_IsSkippedWithoutFailingTheClient(CancellationToken ct)
    {
        var backends = Loopback.TcpTrio();
        await using var _ = new AsyncDisposables(backends);
        await using var harness = await StartAsync(ct: ct);
        await harness.CreateAsync(Service("web", Port(80)), ct);
        // 127.0.0.5 has nothing listening on the port: connects are refused
        var dead = IPAddress.Parse("127.0.0.5");
        await harness.SetEndpointsAsync(Endpoints("web", Subset(backends[0].EndPoint.Port, null, dead, Trio[0], dead, Trio[1])), ct);
        var address = await harness.Addresses.GetServiceAddressAsync("default", "web", 80, ct);
        await UntilBackendsAsync(address, 2, ct);

        // Every connection reaches a live backend
        var seen = await WhoManyAsync(address, 12, ct);
        Assert.That(seen, Has.All.AnyOf("b1", "b2"));
        Assert.That(seen, Has.Exactly(12).Items);
    }

    [Test]
    public async Task Connect_AllBackendsDead_ClosesTheClient(CancellationToken ct)
    {
        await using var harness = await StartAsync(ct: ct);
        await harness.CreateAsync(Service("web", Port(80)), ct);
        var port = Loopback.FreePort(SocketType.Stream, IPAddress.Parse("127.0.0.6"));
        await harness.SetEndpointsAsync(Endpoints("web", Subset(port, null, IPAddress.Parse("127.0.0.6"))), ct);
        var address = await harness.Addresses.GetServiceAddressAsync("default", "web", 80, ct);

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(address, ct);
        Assert.That(await Loopback.ReadLineAsync(socket, ct), Is.Null, "the proxy closes the connection");
    }

    [Test]
    public async Task Ports_SeveralNamedPorts_EachReachesItsOwnEndpointPort(CancellationToken ct)
    {
        // Given backends b1..b3 on one port (named "http") and c1..c3 on another ("admin")
        var http = Loopback.TcpTrio();
        var admin = Loopback.TcpTrio();
        await using var _ = new AsyncDisposables(http);
        await using var __ = new AsyncDisposables(admin);
        await using var harness = await StartAsync(ct: ct);
        await harness.CreateAsync(Service("multi", Port(80, "http"), Port(9000, "admin")), ct);
        await harness.SetEndpointsAsync(Endpoints("multi",
            new EndpointSubset
            {
                Addresses = [new EndpointAddress { Ip = "127.0.0.2" }],
                Ports = [new EndpointPort { Name = "http", Port = http[0].EndPoint.Port }, new EndpointPort { Name = "admin", Port = admin[0].EndPoint.Port }],
            }), ct);

        var httpAddress = await harness.Addresses.GetServiceAddressAsync("default", "multi", 80, ct);
        var adminAddress = await harness.Addresses.GetServiceAddressAsync("default", "multi", 9000, ct);
        await UntilBackendsAsync(httpAddress, 1, ct);
        await UntilBackendsAsync(adminAddress, 1, ct);

        Assert.That(httpAddress, Is.Not.EqualTo(adminAddress));
        Assert.That(await Loopback.WhoAsync(httpAddress, ct), Is.EqualTo("b1"));
        Assert.That(http[0].Accepted, Is.GreaterThanOrEqualTo(1));
        var before = admin[0].Accepted;
        await Loopback.WhoAsync(adminAddress, ct);
        Assert.That(admin[0].Accepted, Is.EqualTo(before + 1), "port 9000 goes to the admin endpoint port");
    }

    [Test]
    public async Task Udp_RoundTrip_ReachesBackendsPerFlow(CancellationToken ct)
    {
        var port = Loopback.FreePort(SocketType.Dgram, Trio);
        var udp = Trio.Select((a, i) => new UdpEchoBackend($"u{i + 1}", new IPEndPoint(a, port))).ToArray();
        await using var _ = new AsyncDisposables(udp);
        await using var harness = await StartAsync(ct: ct);
        await harness.CreateAsync(Service("dns", Port(53, "dns", Protocol.Udp)), ct);
        await harness.SetEndpointsAsync(Endpoints("dns", Subset(port, "dns", Trio)), ct);
        var address = await harness.Addresses.GetServiceAddressAsync("default", "dns", 53, ct);
        // Datagrams sent before the proxy sees the endpoints are dropped: probe until one is answered (one flow, one turn).
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Connect(address);
            await UntilAsync(async () => await UdpAskAsync(probe, "probe", ct, TimeSpan.FromMilliseconds(200)) is not null, "the UDP proxy answers", ct);
        }

        // Three clients (three flows) get answers, from backends in turn; a flow keeps its backend
        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            client.Connect(address);
            string first = await UdpAskAsync(client, "hello", ct), second = await UdpAskAsync(client, "again", ct);
            Assert.That(first, Does.EndWith(":hello"));
            Assert.That(second, Is.EqualTo(first.Split(':')[0] + ":again"), "one flow, one backend");
            answers.Add(first.Split(':')[0]);
        }
        Assert.That(answers, Is.EquivalentTo(new[] { "u1", "u2", "u3" }));
    }

    [Test]
    public async Task NodePort_ListensOn127001(CancellationToken ct)
    {
        var backends = Loopback.TcpTrio();
        await using var _ = new AsyncDisposables(backends);
        await using var harness = await StartAsync(ct: ct);
        var nodePort = Loopback.FreePort(SocketType.Stream, IPAddress.Loopback);
        var service = Service("np", Port(80, nodePort: nodePort));
        await harness.CreateAsync(service with { Spec = service.Spec with { Type = ServiceType.NodePort } }, ct);
        await harness.SetEndpointsAsync(Endpoints("np", Subset(backends[0].EndPoint.Port, null, Trio[1])), ct);

        var nodePortAddress = new IPEndPoint(IPAddress.Loopback, nodePort);
        await UntilAsync(async () => await TryWhoAsync(nodePortAddress, ct) == "b2", "the NodePort answers", ct);
    }

    [Test]
    public async Task VirtualIp_HostNetwork_ListensOnClusterIPAndRemovesItOnDelete(CancellationToken ct)
    {
        var backends = Loopback.TcpTrio();
        await using var _ = new AsyncDisposables(backends);
        var hostNetwork = new LoopbackServiceHostNetwork();
        await using var harness = await StartAsync(hostNetwork: hostNetwork, ct: ct);
        var vip = IPAddress.Parse("127.96.0.10");
        var service = Service("vip", Port(8080));
        await harness.CreateAsync(service with { Spec = service.Spec with { ClusterIP = vip.ToString(), ClusterIPs = [vip.ToString()] } }, ct);
        await harness.SetEndpointsAsync(Endpoints("vip", Subset(backends[0].EndPoint.Port, null, Trio[2])), ct);

        // Then the virtual IP is added and <clusterIP>:<port> forwards
        var vipAddress = new IPEndPoint(vip, 8080);
        await UntilAsync(async () => await TryWhoAsync(vipAddress, ct) == "b3", "the ClusterIP answers", ct);
        Assert.That(hostNetwork.Added.Keys, Does.Contain(vip));

        // When the Service is deleted, the listener closes and the address is removed
        await harness.Store.DeleteAsync<Service>("default", "vip", cancellationToken: ct);
        await UntilAsync(() => Task.FromResult(hostNetwork.Removed.Contains(vip)), "the virtual IP is removed", ct);
        Assert.That(await TryWhoAsync(vipAddress, ct), Is.Null);
    }

    [Test]
    public async Task VirtualIp_AddRefused_LoopbackStillWorks(CancellationToken ct)
    {
        var backends = Loopback.TcpTrio();
        await using var _ = new AsyncDisposables(backends);
        var hostNetwork = new LoopbackServiceHostNetwork();
        await using var harness = await StartAsync(hostNetwork: hostNetwork, clusterIpRange: "10.96.0.0/12", ct: ct);
        var service = Service("web", Port(80));
        await harness.CreateAsync(service with { Spec = service.Spec with { ClusterIP = "10.96.0.10", ClusterIPs = ["10.96.0.10"] } }, ct);
        await harness.SetEndpointsAsync(Endpoints("web", Subset(backends[0].EndPoint.Port, null, Trio[0])), ct);

        var address = await harness.Addresses.GetServiceAddressAsync("default", "web", 80, ct);
        await UntilBackendsAsync(address, 1, ct);
        Assert.That(await Loopback.WhoAsync(address, ct), Is.EqualTo("b1"));
        Assert.That(hostNetwork.Added, Is.Empty);
    }

    [Test]
    public async Task GetServiceAddress_ServiceCreatedLater_Waits(CancellationToken ct)
    {
        await using var harness = await StartAsync(ct: ct);
        var pending = harness.Addresses.GetServiceAddressAsync("default", "later", 80, ct).AsTask();
        Assert.That(pending.IsCompleted, Is.False);

        await harness.CreateAsync(Service("later", Port(80)), ct);

        var address = await pending.WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.That(address.Address, Is.EqualTo(IPAddress.Loopback));
        Assert.That(address.Port, Is.GreaterThan(0));
    }

    [Test]
    public async Task GetServiceAddress_NoSuchService_ThrowsNamingIt(CancellationToken ct)
    {
        await using var harness = await StartAsync(ct: ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(300));

        var error = Assert.ThrowsAsync<ServiceNotFoundException>(async () =>
            await harness.Addresses.GetServiceAddressAsync("default", "missing", 80, timeout.Token));
        Assert.That(error!.Message, Does.Contain("default/missing").And.Contain("not found"));
    }

    [Test]
    public async Task GetServiceAddress_NoSuchPort_ThrowsListingPorts(CancellationToken ct)
    {
        await using var harness = await StartAsync(ct: ct);
        await harness.CreateAsync(Service("web", Port(80)), ct);
        await harness.Addresses.GetServiceAddressAsync("default", "web", 80, ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(200));

        var error = Assert.ThrowsAsync<ServiceNotFoundException>(async () =>
            await harness.Addresses.GetServiceAddressAsync("default", "web", 81, timeout.Token));
        Assert.That(error!.Message, Does.Contain("has no port 81").And.Contain("80/TCP"));
    }

    private static async Task<string> UdpAskAsync(Socket client, string text, CancellationToken ct) =>
        await UdpAskAsync(client, text, ct, TimeSpan.FromSeconds(5)) ?? throw new AssertionException($"no UDP answer to \"{text}\"");

    /// <summary>Sends one datagram and returns the answer, or null when none came within <paramref name="wait"/>.</summary>
    private static async Task<string?> UdpAskAsync(Socket client, string text, CancellationToken ct, TimeSpan wait)
    {
        await client.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, ct);
        var buffer = new byte[2048];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(wait);
        try
        {
            var read = await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task<List<string>> WhoManyAsync(IPEndPoint address, int count, CancellationToken ct)
    {
        var seen = new List<string>();
        for (var i = 0; i < count; i++) seen.Add(await Loopback.WhoAsync(address, ct));
        return seen;
    }

    /// <summary>The backend name, or null when the connection is refused or closed without one.</summary>
    private static async Task<string?> TryWhoAsync(IPEndPoint address, CancellationToken ct)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(address, ct);
            return await Loopback.ReadLineAsync(socket, ct);
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>Waits until connections through <paramref name="address"/> reach <paramref name="count"/> distinct backends (the proxy saw the Endpoints).</summary>
    private static Task UntilBackendsAsync(IPEndPoint address, int count, CancellationToken ct) =>
        UntilAsync(async () => (await Task.WhenAll(Enumerable.Range(0, count * 2).Select(_ => TryWhoAsync(address, ct)))).Where(n => n is not null).Distinct().Count() >= count,
            $"{count} backends answer at {address}", ct);
}

/// <summary>Disposes several backends at the end of a test.</summary>
internal sealed class AsyncDisposables(IEnumerable<IAsyncDisposable> items) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        foreach (var item in items) await item.DisposeAsync();
    }
}
