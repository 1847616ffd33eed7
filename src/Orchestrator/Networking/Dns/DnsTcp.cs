using System.Buffers.Binary;
using System.Net.Sockets;

namespace Orchestrator.Networking.Dns;

/// <summary>DNS over TCP framing (RFC 1035 4.2.2): each message is preceded by its length as two bytes.</summary>
internal static class DnsTcp
{
    /// <summary>Reads one framed message; null when the peer closed before a new message began.</summary>
    public static async Task<byte[]?> ReadMessageAsync(Socket socket, CancellationToken cancellationToken)
    {
        var header = new byte[2];
        if (!await ReadExactlyAsync(socket, header, allowEnd: true, cancellationToken).ConfigureAwait(false)) return null;
        var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(header)];
        await ReadExactlyAsync(socket, message, allowEnd: false, cancellationToken).ConfigureAwait(false);
        return message;
    }

    /// <summary>Writes one framed message.</summary>
    public static async Task WriteMessageAsync(Socket socket, byte[] message, CancellationToken cancellationToken)
    {
        var framed = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed, 2);
        var sent = 0;
        while (sent < framed.Length) sent += await socket.SendAsync(framed.AsMemory(sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> ReadExactlyAsync(Socket socket, byte[] buffer, bool allowEnd, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                if (allowEnd && read == 0) return false;
                throw new IOException("the connection closed in the middle of a DNS message");
            }
            read += n;
        }
        return true;
    }
}
