using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Networking.Dns;

/// <summary>
/// The UDP and TCP sockets of the cluster DNS server on one endpoint. UDP queries are answered on the receive loop when
/// they can be answered locally and on their own task when they are forwarded; each TCP connection is served on its own
/// task, one message after the other, until the client closes or stays idle for 10 seconds.
/// </summary>
internal sealed class DnsListener : IDisposable
{
    private static readonly TimeSpan TcpIdleTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _udp;
    private readonly Socket _tcp;
    private readonly Func<byte[], bool, CancellationToken, ValueTask<byte[]?>> _handle;
    private readonly CancellationTokenSource _stop = new();

    private DnsListener(Socket udp, Socket tcp, Func<byte[], bool, CancellationToken, ValueTask<byte[]?>> handle)
    {
        _udp = udp;
        _tcp = tcp;
        _handle = handle;
        EndPoint = (IPEndPoint)udp.LocalEndPoint!;
    }

    /// <summary>The bound endpoint (UDP and TCP share the port).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// Binds UDP and TCP on <paramref name="endPoint"/> (port 0: a port free for both) and starts serving.
    /// <paramref name="handle"/> gets a request and whether it came over TCP and returns the response (null: none).
    /// </summary>
    /// <exception cref="SocketException">The endpoint cannot be bound.</exception>
    public static DnsListener Start(IPEndPoint endPoint, Func<byte[], bool, CancellationToken, ValueTask<byte[]?>> handle)
    {
        for (var attempt = 0; ; attempt++)
        {
            var udp = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            var tcp = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                udp.Bind(endPoint);
                tcp.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                tcp.Bind(new IPEndPoint(endPoint.Address, ((IPEndPoint)udp.LocalEndPoint!).Port));
                tcp.Listen(128);
            }
            catch (SocketException) when (endPoint.Port == 0 && attempt < 20)
            {
                udp.Dispose();
                tcp.Dispose();
                continue;
            }
            catch
            {
                udp.Dispose();
                tcp.Dispose();
                throw;
            }
            var listener = new DnsListener(udp, tcp, handle);
            _ = Task.Run(listener.UdpLoopAsync);
            _ = Task.Run(listener.AcceptLoopAsync);
            return listener;
        }
    }

    private async Task UdpLoopAsync()
    {
        var token = _stop.Token;
        var buffer = new byte[65535];
        var from = new SocketAddress(EndPoint.AddressFamily);
        while (!token.IsCancellationRequested)
        {
            int read;
            try
            {
                read = await _udp.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, from, token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            var request = buffer.AsSpan(0, read).ToArray();
            var client = new SocketAddress(from.Family, from.Size);
            from.Buffer.CopyTo(client.Buffer);
            var pending = _handle(request, false, token);
            if (pending.IsCompletedSuccessfully) await ReplyAsync(pending.Result, client).ConfigureAwait(false);
            else _ = ReplyLaterAsync(pending, client);
        }
    }

    private async Task ReplyLaterAsync(ValueTask<byte[]?> pending, SocketAddress client)
    {
        try
        {
            await ReplyAsync(await pending.ConfigureAwait(false), client).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ReplyAsync(byte[]? response, SocketAddress client)
    {
        if (response is null) return;
        try
        {
            await _udp.SendToAsync(response, SocketFlags.None, client).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _tcp.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            _ = ServeTcpAsync(client, token);
        }
    }

    private async Task ServeTcpAsync(Socket client, CancellationToken token)
    {
        using var _ = client;
        try
        {
            while (true)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(token);
                idle.CancelAfter(TcpIdleTimeout);
                var request = await DnsTcp.ReadMessageAsync(client, idle.Token).ConfigureAwait(false);
                if (request is null) return;
                var response = await _handle(request, true, token).ConfigureAwait(false);
                if (response is null) return;
                await DnsTcp.WriteMessageAsync(client, response, token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
        _tcp.Dispose();
    }
}
