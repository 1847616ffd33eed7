using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Orchestrator.Networking.Dns;

namespace Orchestrator.Tests.Networking;

/// <summary>A parsed DNS response as tests see it.</summary>
internal sealed record DnsTestResponse(ushort Id, ushort Flags, int Rcode, List<DnsRecord> Answers, int AdditionalCount, int Length)
{
    public bool Authoritative => (Flags & 0x0400) != 0;

    public bool Truncated => (Flags & 0x0200) != 0;

    public IEnumerable<IPAddress> Addresses => Answers.Where(a => a.Type is 1 or 28).Select(a => new IPAddress(a.Data));

    public static DnsTestResponse Parse(byte[] message)
    {
        Assert.That(DnsQuery.TryReadAnswers(message, out var rcode, out var answers), Is.True, "the response parses");
        return new DnsTestResponse(
            BinaryPrimitives.ReadUInt16BigEndian(message), BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(2)), rcode, answers,
            BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(10)), message.Length);
    }
}

/// <summary>Sends DNS queries over UDP or TCP.</summary>
internal static class DnsTestClient
{
    public static async Task<DnsTestResponse> QueryAsync(IPEndPoint server, string name, ushort type, CancellationToken ct, bool tcp = false, ushort id = 0x1234)
    {
        var query = DnsForwarder.BuildQuery(id, name, type);
        return DnsTestResponse.Parse(tcp ? await AskTcpAsync(server, query, ct) : await AskUdpAsync(server, query, ct));
    }

    public static async Task<byte[]> AskUdpAsync(IPEndPoint server, byte[] query, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server);
        await socket.SendAsync(query, SocketFlags.None, ct);
        var buffer = new byte[65535];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return buffer[..read];
    }

    public static async Task<byte[]> AskTcpAsync(IPEndPoint server, byte[] query, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server, ct);
        await DnsTcp.WriteMessageAsync(socket, query, ct);
        return await DnsTcp.ReadMessageAsync(socket, ct) ?? throw new AssertionException("the server closed without answering");
    }
}

/// <summary>A fake upstream DNS server on loopback (UDP and TCP) answering every A question with 192.0.2.1.</summary>
internal sealed class FakeUpstreamDns : IDisposable
{
    private readonly DnsListener _listener;
    private int _queries;

    public FakeUpstreamDns(IPAddress address) =>
        _listener = DnsListener.Start(new IPEndPoint(address, 0), (request, _, _) =>
        {
            Interlocked.Increment(ref _queries);
            Assert.That(DnsQuery.TryParse(request, out var query, out _), Is.True);
            var answer = query!.Question.Type == 1
                ? DnsAnswer.Of([new DnsResourceRecord(query.Question.Name, 1, 60, IPAddress.Parse("192.0.2.1"))])
                : DnsAnswer.NoData;
            return ValueTask.FromResult<byte[]?>(DnsResponseWriter.Build(query, request, answer with { Authoritative = false }, 65535));
        });

    public IPEndPoint EndPoint => _listener.EndPoint;

    public int Queries => Volatile.Read(ref _queries);

    public void Dispose() => _listener.Dispose();
}
