using System.Net;
using Orchestrator.Networking.Dns;

namespace Orchestrator.Tests.Networking;

[TestFixture]
public sealed class DnsMessageTests
{
    private static byte[] Header(ushort qd = 1, ushort ar = 0) =>
        [0xAB, 0xCD, 0x01, 0x00, 0, (byte)qd, 0, 0, 0, 0, 0, (byte)ar];

    [Test]
    public void TryParse_BuiltQuery_ReadsIdNameAndType()
    {
        var message = DnsForwarder.BuildQuery(0x0102, "Web.Default.svc.cluster.local", 33);

        Assert.That(DnsQuery.TryParse(message, out var query, out var id), Is.True);
        Assert.That(id, Is.EqualTo(0x0102));
        Assert.That(query!.Question, Is.EqualTo(new DnsQuestion("web.default.svc.cluster.local", 33, 1)));
        Assert.That(query.RecursionDesired, Is.True);
        Assert.That(query.HasEdns, Is.False);
        Assert.That(query.QuestionEnd, Is.EqualTo(message.Length));
    }

    [Test]
    public void TryParse_OptRecord_ReadsTheUdpPayloadSize()
    {
        var query = DnsForwarder.BuildQuery(1, "a.b", 1);
        byte[] opt = [0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0];
        var message = query.Concat(opt).ToArray();
        message[11] = 1; // ARCOUNT

        Assert.That(DnsQuery.TryParse(message, out var parsed, out _), Is.True);
        Assert.That(parsed!.HasEdns, Is.True);
        Assert.That(parsed.UdpPayloadSize, Is.EqualTo(4096));
        Assert.That(DnsResponseWriter.UdpLimit(parsed), Is.EqualTo(4096));
    }

    private static IEnumerable<TestCaseData> Malformed()
    {
        yield return new TestCaseData(new byte[] { 1, 2, 3 }).SetName("TryParse_ShorterThanHeader_Fails");
        yield return new TestCaseData(Header(qd: 2).Concat(new byte[] { 0, 0, 1, 0, 1 }).ToArray()).SetName("TryParse_TwoQuestions_Fails");
        yield return new TestCaseData(Header().Concat(new byte[] { 0xC0, 12, 0, 1, 0, 1 }).ToArray()).SetName("TryParse_SelfPointer_Fails");
        yield return new TestCaseData(Header().Concat(new byte[] { 0xC0, 20, 0, 1, 0, 1, 0, 0 }).ToArray()).SetName("TryParse_ForwardPointer_Fails");
        yield return new TestCaseData(Header().Concat(new byte[] { 5, (byte)'a', (byte)'b' }).ToArray()).SetName("TryParse_LabelPastTheEnd_Fails");
        yield return new TestCaseData(Header().Concat(new byte[] { 1, (byte)'a', 0, 0, 1 }).ToArray()).SetName("TryParse_TruncatedQuestion_Fails");
        yield return new TestCaseData(Header().Concat(Enumerable.Repeat(new byte[] { 63 }.Concat(Enumerable.Repeat((byte)'x', 63)), 5).SelectMany(b => b))
            .Concat(new byte[] { 0, 0, 1, 0, 1 }).ToArray()).SetName("TryParse_NameOver255Bytes_Fails");
    }

    [TestCaseSource(nameof(Malformed))]
    public void TryParse_Malformed(byte[] message) => Assert.That(DnsQuery.TryParse(message, out _, out _), Is.False);

    [Test]
    public void TryReadName_CompressedName_FollowsThePointer()
    {
        // "example.test" at 12, then "www" + pointer to 12
        byte[] message = [.. Header(), 7, .. "example"u8.ToArray(), 4, .. "test"u8.ToArray(), 0, 3, .. "WWW"u8.ToArray(), 0xC0, 12, 0xFF];
        var offset = 26;

        Assert.That(DnsQuery.TryReadName(message, ref offset, out var name), Is.True);
        Assert.That(name, Is.EqualTo("www.example.test"));
        Assert.That(offset, Is.EqualTo(32), "the offset moves past the pointer, not past the target");
    }

    [Test]
    public void Build_Answers_CompressesNamesAgainstTheQuestion()
    {
        var request = DnsForwarder.BuildQuery(7, "web.default.svc.cluster.local", 1);
        Assert.That(DnsQuery.TryParse(request, out var query, out _), Is.True);
        var answer = DnsAnswer.Of([
            new DnsResourceRecord("web.default.svc.cluster.local", 1, 5, IPAddress.Parse("10.96.0.1")),
            new DnsResourceRecord("web.default.svc.cluster.local", 1, 5, IPAddress.Parse("10.96.0.2")),
        ]);

        var response = DnsResponseWriter.Build(query!, request, answer, 512);

        // Each answer: a 2-byte pointer + type, class, ttl, rdlength (10) + 4 bytes of address.
        Assert.That(response.Length, Is.EqualTo(request.Length + 2 * 16));
        Assert.That(DnsQuery.TryReadAnswers(response, out var rcode, out var records), Is.True);
        Assert.That(rcode, Is.EqualTo(0));
        Assert.That(records.Select(r => r.Name), Has.All.EqualTo("web.default.svc.cluster.local"));
        Assert.That(response[2] & 0x84, Is.EqualTo(0x84), "QR and AA are set");
    }

    [Test]
    public void Build_OverTheLimit_SetsTruncationAndDropsRecords()
    {
        var request = DnsForwarder.BuildQuery(7, "many.default.svc.cluster.local", 1);
        Assert.That(DnsQuery.TryParse(request, out var query, out _), Is.True);
        var answer = DnsAnswer.Of([.. Enumerable.Range(1, 40).Select(i => new DnsResourceRecord(query!.Question.Name, 1, 5, IPAddress.Parse($"10.0.0.{i}")))]);

        var response = DnsResponseWriter.Build(query!, request, answer, 512);

        Assert.That(response[2] & 0x02, Is.EqualTo(0x02), "TC");
        Assert.That(DnsQuery.TryReadAnswers(response, out _, out var records), Is.True);
        Assert.That(records, Is.Empty);
    }

    [Test]
    public void ResolveUpstreams_SkipsDockerDnsAndOwnAddresses()
    {
        var own = new IPEndPoint(IPAddress.Parse("172.18.0.1"), 53);
        var upstreams = DnsForwarder.ResolveUpstreams(["127.0.0.11", "172.18.0.1", "10.0.0.2", "10.0.0.3:5353", "not-an-ip", "10.0.0.2"], e => e.Equals(own));

        Assert.That(upstreams, Is.EqualTo(new[] { new IPEndPoint(IPAddress.Parse("10.0.0.2"), 53), new IPEndPoint(IPAddress.Parse("10.0.0.3"), 5353) }));
    }
}
