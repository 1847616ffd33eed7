using System.Net;
using System.Net.Sockets;
using Orchestrator.Docker.Networking;
using Orchestrator.Networking;

namespace Orchestrator.Docker.Tests.Networking;

/// <summary>Service virtual IPs on the real <c>lo</c> of this machine, through the real <c>ip</c> command.</summary>
[Parallelizable(ParallelScope.Children)]
public sealed class LoopbackAddressesTests
{
    private const int TimeoutMs = 30_000;

    [Test]
    [CancelAfter(TimeoutMs)]
    public async Task AddAsync_NewAddress_IsOnLoWithTheLabelUntilDisposed(CancellationToken ct)
    {
        HostNetworkEnvironment.RequireNetAdmin();
        var range = HostNetworkEnvironment.NewRange();
        var vip = HostNetworkEnvironment.At(range, 10);
        try
        {
            // Given the addresses of this process
            var addresses = new LoopbackAddresses(new IpCommand());

            // When a Service address is added, twice
            await addresses.AddAsync(vip, ct);
            await addresses.AddAsync(vip, ct);

            // Then it is on lo with our label, owned, and a listener can bind it
            Assert.That(HostNetworkEnvironment.AddressesOnLo().GetValueOrDefault(vip), Is.EqualTo(LoopbackAddresses.Label));
            Assert.That(addresses.Owned, Is.EquivalentTo(new[] { vip }));
            using (var listener = new TcpListener(vip, 0))
            {
                listener.Start();
            }

            // And disposal removes it
            await addresses.DisposeAsync();
            Assert.That(HostNetworkEnvironment.AddressesOnLo().ContainsKey(vip), Is.False);
            Assert.ThrowsAsync<ObjectDisposedException>(async () => await addresses.AddAsync(vip, ct));
        }
        finally
        {
            HostNetworkEnvironment.RemoveAll(range);
        }
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public async Task RemoveAsync_OwnedAndUnknownAddresses_RemovesOnlyOwnedAndIsIdempotent(CancellationToken ct)
    {
        HostNetworkEnvironment.RequireNetAdmin();
        var range = HostNetworkEnvironment.NewRange();
        var ours = HostNetworkEnvironment.At(range, 1);
        var someoneElses = HostNetworkEnvironment.At(range, 2);
        HostNetworkEnvironment.Run("addr", "add", $"{someoneElses}/32", "dev", "lo");
        try
        {
            await using var addresses = new LoopbackAddresses(new IpCommand());
            await addresses.AddAsync(ours, ct);

            // When both are removed, each twice
            await addresses.RemoveAsync(ours, ct);
            await addresses.RemoveAsync(ours, ct);
            await addresses.RemoveAsync(someoneElses, ct);
            await addresses.RemoveAsync(someoneElses, ct);

            // Then only the one it added is gone
            var onLo = HostNetworkEnvironment.AddressesOnLo();
            Assert.That(onLo.ContainsKey(ours), Is.False);
            Assert.That(onLo.ContainsKey(someoneElses), Is.True);
            Assert.That(addresses.Owned, Is.Empty);
        }
        finally
        {
            HostNetworkEnvironment.RemoveAll(range);
        }
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public async Task AddAsync_AddressAlreadyPresent_SucceedsAndKeepsOnlyLabelledLeftoversForRemoval(CancellationToken ct)
    {
        HostNetworkEnvironment.RequireNetAdmin();
        var range = HostNetworkEnvironment.NewRange();
        var unlabelled = HostNetworkEnvironment.At(range, 1);
        var leftover = HostNetworkEnvironment.At(range, 2);
        // Given an address someone configured and one an earlier run left (with our label)
        HostNetworkEnvironment.Run("addr", "add", $"{unlabelled}/32", "dev", "lo");
        HostNetworkEnvironment.Run("addr", "add", $"{leftover}/32", "dev", "lo", "label", LoopbackAddresses.Label);
        try
        {
            // When both are added (no reaping: no range given)
            var addresses = new LoopbackAddresses(new IpCommand());
            await addresses.AddAsync(unlabelled, ct);
            await addresses.AddAsync(leftover, ct);

            // Then both succeed; only the leftover becomes ours, so disposal removes it and leaves the other
            Assert.That(addresses.Owned, Is.EquivalentTo(new[] { leftover }));
            await addresses.DisposeAsync();
            var onLo = HostNetworkEnvironment.AddressesOnLo();
            Assert.That(onLo.ContainsKey(unlabelled), Is.True);
            Assert.That(onLo.ContainsKey(leftover), Is.False);
        }
        finally
        {
            HostNetworkEnvironment.RemoveAll(range);
        }
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public async Task AddAsync_First_ReapsLabelledLeftoversInRangeThatNoSocketUses(CancellationToken ct)
    {
        HostNetworkEnvironment.RequireNetAdmin();
        var range = HostNetworkEnvironment.NewRange();
        var idle = HostNetworkEnvironment.At(range, 1);
        var listening = HostNetworkEnvironment.At(range, 2);
        var udpBound = HostNetworkEnvironment.At(range, 3);
        var unlabelled = HostNetworkEnvironment.At(range, 4);
        var outside = HostNetworkEnvironment.NewRange();
        var idleOutside = HostNetworkEnvironment.At(outside, 1);
        try
        {
            // Given leftovers labelled as ours: one idle, one with a TCP listener, one with a bound UDP socket; an
            // unlabelled idle address in range, and a labelled idle one outside the range
            foreach (var address in new[] { idle, listening, udpBound, idleOutside })
            {
                HostNetworkEnvironment.Run("addr", "add", $"{address}/32", "dev", "lo", "label", LoopbackAddresses.Label);
            }
            HostNetworkEnvironment.Run("addr", "add", $"{unlabelled}/32", "dev", "lo");
            using var listener = new TcpListener(listening, 0);
            listener.Start();
            using var udp = new UdpClient(new IPEndPoint(udpBound, 0));

            // When the first address is added with the range to reap
            await using var addresses = new LoopbackAddresses(new IpCommand(), range);
            await addresses.AddAsync(HostNetworkEnvironment.At(range, 100), ct);

            // Then only the idle labelled one in range is gone
            var onLo = HostNetworkEnvironment.AddressesOnLo();
            Assert.That(onLo.ContainsKey(idle), Is.False);
            Assert.That(onLo.ContainsKey(listening), Is.True);
            Assert.That(onLo.ContainsKey(udpBound), Is.True);
            Assert.That(onLo.ContainsKey(unlabelled), Is.True);
            Assert.That(onLo.ContainsKey(idleOutside), Is.True);
        }
        finally
        {
            HostNetworkEnvironment.RemoveAll(range);
            HostNetworkEnvironment.RemoveAll(outside);
        }
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public async Task AddAsync_WithoutCapNetAdmin_ThrowsAnActionableNetworkException(CancellationToken ct)
    {
        HostNetworkEnvironment.RequireNetAdmin();
        // Given `ip` run as an unprivileged user
        var range = HostNetworkEnvironment.NewRange();
        var unprivileged = new IpCommand(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "ip"]);
        await using var addresses = new LoopbackAddresses(unprivileged);

        // When an address is added
        var error = Assert.ThrowsAsync<NetworkException>(async () => await addresses.AddAsync(HostNetworkEnvironment.At(range, 1), ct));

        // Then the message says what failed and what to do, and nothing was added
        Assert.That(error!.Message, Does.Contain(HostNetworkEnvironment.At(range, 1).ToString()));
        Assert.That(error.Message, Does.Contain("Operation not permitted"));
        Assert.That(error.Message, Does.Contain("root").And.Contain("CAP_NET_ADMIN").And.Contain("Orchestrator:Services:Enabled=false"));
        Assert.That(addresses.Owned, Is.Empty);
        Assert.That(HostNetworkEnvironment.AddressesOnLo().Keys.Where(range.Contains), Is.Empty);
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public void RunAsync_CommandHangs_IsKilledAndThrowsAfterTheTimeout(CancellationToken ct)
    {
        var hanging = new IpCommand(["sh", "-c", "sleep 30"], TimeSpan.FromMilliseconds(300));
        var started = DateTime.UtcNow;

        var error = Assert.ThrowsAsync<NetworkException>(async () => await hanging.RunAsync(["addr"], ct));

        Assert.That(error!.Message, Does.Contain("did not finish"));
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public void RunAsync_NoIpCommand_ThrowsNamingIproute2(CancellationToken ct)
    {
        var missing = new IpCommand(["/no/such/ip"]);

        var error = Assert.ThrowsAsync<NetworkException>(async () => await missing.RunAsync(["addr"], ct));

        Assert.That(error!.Message, Does.Contain("iproute2"));
    }

    [TestCase("0.0.0.0")]
    [TestCase("127.0.0.1")]
    [TestCase("127.0.0.53")]
    [TestCase("224.0.0.1")]
    [TestCase("255.255.255.255")]
    [TestCase("::")]
    public async Task AddAsync_NotAServiceAddress_ThrowsArgumentException(string text)
    {
        await using var addresses = new LoopbackAddresses(new IpCommand(["/no/such/ip"]));

        Assert.ThrowsAsync<ArgumentException>(async () => await addresses.AddAsync(IPAddress.Parse(text), CancellationToken.None));
    }

    [Test]
    public void ParseAddresses_IpOneLineOutput_ReturnsTheAddresses()
    {
        const string output = "1: lo    inet 10.96.0.10/32 scope global lo:orch\\       valid_lft forever preferred_lft forever\n" +
            "1: lo    inet 10.96.12.7/32 scope global lo:orch\\       valid_lft forever preferred_lft forever\n";

        Assert.That(LoopbackAddresses.ParseAddresses(output), Is.EqualTo(new[] { IPAddress.Parse("10.96.0.10"), IPAddress.Parse("10.96.12.7") }));
        Assert.That(LoopbackAddresses.ParseAddresses(""), Is.Empty);
    }
}
