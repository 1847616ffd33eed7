using Orchestrator.Networking;

namespace Orchestrator.Tests.Runtime;

// The in-process network provider serves the simulated runtime; its tests live beside the runtime's.
[TestFixture]
[CancelAfter(10_000)]
public sealed class InProcessNetworkProviderTests
{
    private static PodNetworkAttachment Sandbox(string id) => new(id, "default", "pod-" + id, "uid-" + id, "node-1");

    [Test]
    public async Task AttachAsync_SameSandboxTwice_ReturnsSameAddress()
    {
        var network = new InProcessNetworkProvider("10.1.0.0/24");

        var first = await network.AttachAsync(Sandbox("a"));
        var again = await network.AttachAsync(Sandbox("a"));

        Assert.That(again.Ip, Is.EqualTo(first.Ip));
        Assert.That(first.Ip, Is.EqualTo("10.1.0.2"), "the network address and the gateway (.1) are skipped");
        Assert.That(network.AllocatedCount, Is.EqualTo(1));
    }

    [Test]
    public async Task AttachAsync_PoolExhausted_ReusesReleasedAddressesThenFails()
    {
        var network = new InProcessNetworkProvider("10.1.0.0/30"); // one usable address: .2

        var a = await network.AttachAsync(Sandbox("a"));
        Assert.ThrowsAsync<NetworkException>(async () => await network.AttachAsync(Sandbox("b")));
        await network.DetachAsync(Sandbox("a"));
        await network.DetachAsync(Sandbox("a")); // idempotent
        var b = await network.AttachAsync(Sandbox("b"));

        Assert.That(b.Ip, Is.EqualTo(a.Ip));
    }

    [TestCase("10.0.0.0")]
    [TestCase("10.0.0.0/31")]
    [TestCase("fd00::/64")]
    [TestCase("not-an-ip/16")]
    public void Constructor_InvalidCidr_Throws(string cidr) =>
        Assert.Throws<ArgumentException>(() => _ = new InProcessNetworkProvider(cidr));
}
