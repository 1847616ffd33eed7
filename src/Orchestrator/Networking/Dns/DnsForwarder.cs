using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Networking.Dns;

/// <summary>
/// Sends queries for names outside the cluster domain to upstream DNS servers, one after the other until one answers
/// within the timeout: over UDP for UDP clients (a truncated answer is passed on so the client retries over TCP) and
/// over TCP for TCP clients. Each query uses its own socket (random source port).
/// </summary>
internal sealed class DnsForwarder(TimeProvider time, TimeSpan timeout)
{
    /// <summary>Docker's embedded DNS inside containers; never an upstream (it forwards to us).</summary>
    public static readonly IPAddress DockerEmbeddedDns = IPAddress.Parse("127.0.0.11");

    /// <summary>
    /// The upstream servers: <paramref name="configured"/> (<c>ip</c> or <c>ip:port</c>), or else the nameservers of
    /// <paramref name="resolvConfPath"/>; without <paramref name="own"/> endpoints and Docker's embedded DNS.
    /// </summary>
    public static IReadOnlyList<IPEndPoint> ResolveUpstreams(IReadOnlyList<string>? configured, Func<IPEndPoint, bool> own, string resolvConfPath = "/etc/resolv.conf")
    {
        var texts = configured ?? ReadResolvConf(resolvConfPath);
        List<IPEndPoint> upstreams = [];
        foreach (var text in texts)
        {
            if (!TryParseEndPoint(text, out var endPoint)) continue;
            if (endPoint.Address.Equals(DockerEmbeddedDns) || own(endPoint) || upstreams.Contains(endPoint)) continue;
            upstreams.Add(endPoint);
        }
        return upstreams;
    }

    /// <summary>Parses <c>ip</c>, <c>ip:port</c> or <c>[v6]:port</c>; port 53 by default.</summary>
    public static bool TryParseEndPoint(string text, out IPEndPoint endPoint)
    {
        text = text.Trim();
        if (IPAddress.TryParse(text, out var address))
        {
            endPoint = new IPEndPoint(address, 53);
            return true;
        }
        return IPEndPoint.TryParse(text, out endPoint!);
    }

    private static IEnumerable<string> ReadResolvConf(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        return lines
            .Select(l => l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 2 && f[0] == "nameserver")
            .Select(f => f[1].Split('%')[0]);
    }

    /// <summary>
    /// Forwards <paramref name="query"/> (a whole DNS message) and returns the first upstream's response, or null when
    /// none answered.
    /// </summary>
    public async Task<byte[]?> ForwardAsync(ReadOnlyMemory<byte> query, bool tcp, IReadOnlyList<IPEndPoint> upstreams, CancellationToken cancellationToken)
    {
        var id = BinaryPrimitives.ReadUInt16BigEndian(query.Span);
        foreach (var upstream in upstreams)
        {
            using var expiry = new CancellationTokenSource(timeout, time);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expiry.Token);
            try
            {
                var response = tcp
                    ? await AskTcpAsync(upstream, query, limit.Token).ConfigureAwait(false)
                    : await AskUdpAsync(upstream, query, id, limit.Token).ConfigureAwait(false);
                if (response is not null) return response;
            }
            catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // try the next upstream
            }
        }
        return null;
    }

    private static async Task<byte[]?> AskUdpAsync(IPEndPoint upstream, ReadOnlyMemory<byte> query, ushort id, CancellationToken cancellationToken)
    {
        using var socket = new Socket(upstream.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(upstream);
        await socket.SendAsync(query, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[65535];
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            // Ignore stray datagrams that are not the response to this query.
            if (read >= DnsQuery.HeaderSize && BinaryPrimitives.ReadUInt16BigEndian(buffer) == id && (buffer[2] & 0x80) != 0)
            {
                return buffer.AsSpan(0, read).ToArray();
            }
        }
    }

    private static async Task<byte[]?> AskTcpAsync(IPEndPoint upstream, ReadOnlyMemory<byte> query, CancellationToken cancellationToken)
    {
        using var socket = new Socket(upstream.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(upstream, cancellationToken).ConfigureAwait(false);
        var framed = new byte[query.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
        query.CopyTo(framed.AsMemory(2));
        await socket.SendAsync(framed, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        return await DnsTcp.ReadMessageAsync(socket, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A query for <paramref name="name"/> (recursion desired), used to resolve ExternalName targets.</summary>
    public static byte[] BuildQuery(ushort id, string name, ushort type)
    {
        var labels = name.TrimEnd('.').Split('.');
        var message = new byte[DnsQuery.HeaderSize + labels.Sum(l => l.Length + 1) + 1 + 4];
        BinaryPrimitives.WriteUInt16BigEndian(message, id);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), 0x0100);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(4), 1);
        var offset = DnsQuery.HeaderSize;
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63) throw new ArgumentException($"\"{name}\" is not a valid DNS name.", nameof(name));
            message[offset++] = (byte)label.Length;
            foreach (var c in label) message[offset++] = (byte)c;
        }
        message[offset++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(offset), type);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(offset + 2), 1);
        return message;
    }

    /// <summary>Formats an endpoint for logs.</summary>
    public static string Describe(IReadOnlyList<IPEndPoint> upstreams) =>
        upstreams.Count == 0 ? "none" : string.Join(", ", upstreams.Select(u => u.ToString()));
}
