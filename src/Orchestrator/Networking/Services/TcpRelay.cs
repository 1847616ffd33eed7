using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Networking.Services;

/// <summary>
/// One proxied TCP connection: connects to a backend (trying the next one when a connect fails or times out), then
/// copies bytes both ways with pooled buffers until both sides have finished. A side's end of stream is propagated as a
/// half-close (shutdown of sending) to the other side, so request/response protocols that half-close work; an error on
/// either side closes both.
/// </summary>
internal sealed class TcpRelay : IDisposable
{
    private readonly Socket _client;
    private Socket? _backend;
    private int _disposed;

    private TcpRelay(Socket client) => _client = client;

    /// <summary>Relays <paramref name="client"/> (just accepted) until the connection ends; never throws.</summary>
    public static async Task RunAsync(Socket client, PortBalancer balancer, ProxyContext context)
    {
        var relay = new TcpRelay(client);
        context.Track(relay);
        context.Metrics.Opened(udp: false);
        try
        {
            client.NoDelay = true;
            var backend = await ConnectAsync(client, balancer, context).ConfigureAwait(false);
            if (backend is null) return;
            relay._backend = backend;
            if (Volatile.Read(ref relay._disposed) != 0)
            {
                backend.Dispose(); // closed by a stopping proxy while connecting
                return;
            }
            var toBackend = relay.PumpAsync(client, backend, toBackend: true, context);
            var toClient = relay.PumpAsync(backend, client, toBackend: false, context);
            await toBackend.ConfigureAwait(false);
            await toClient.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            ServiceProxyLog.RelayFailed(context.Logger, e, balancer.Label);
        }
        finally
        {
            relay.Dispose();
            context.Untrack(relay);
            context.Metrics.Closed(udp: false);
        }
    }

    private static async ValueTask<Socket?> ConnectAsync(Socket client, PortBalancer balancer, ProxyContext context)
    {
        var backends = balancer.Current;
        var count = backends.Backends.Length;
        if (count == 0)
        {
            context.Metrics.Rejected("no_endpoints");
            ServiceProxyLog.NoEndpoints(context.Logger, balancer.Label);
            return null;
        }
        var clientIp = backends.AffinityTimeout is null ? null : (client.RemoteEndPoint as IPEndPoint)?.Address;
        var first = balancer.First(backends, clientIp);
        for (var i = 0; i < count; i++)
        {
            var endPoint = backends.Backends[(first + i) % count];
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var timeout = new CancellationTokenSource(context.Options.BackendConnectTimeout, context.Time);
            try
            {
                await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
                balancer.Connected(backends, clientIp, endPoint);
                return socket;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                context.Metrics.ConnectFailed();
                ServiceProxyLog.BackendConnectFailed(context.Logger, balancer.Label, endPoint,
                    e is SocketException se ? se.SocketErrorCode.ToString() : "timed out");
            }
        }
        context.Metrics.Rejected("all_failed");
        ServiceProxyLog.AllBackendsFailed(context.Logger, balancer.Label, count);
        return null;
    }

    private async Task PumpAsync(Socket from, Socket to, bool toBackend, ProxyContext context)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ProxyContext.BufferSize);
        long total = 0;
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                var pending = buffer.AsMemory(0, read);
                while (!pending.IsEmpty)
                {
                    var sent = await to.SendAsync(pending, SocketFlags.None).ConfigureAwait(false);
                    pending = pending[sent..];
                }
                total += read;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            // A reset or close on either side ends the whole connection.
            Dispose();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            context.Metrics.Relayed(udp: false, toBackend, total);
        }
    }

    /// <summary>Closes both sides; idempotent and thread-safe.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _client.Dispose();
        _backend?.Dispose();
    }
}
