using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Networking.Services;

/// <summary>
/// A TCP listener of one Service port: accepts connections on one address and relays each to a backend chosen by the
/// port's <see cref="PortBalancer"/> (see <see cref="TcpRelay"/>).
/// </summary>
internal sealed class TcpFrontend : IFrontend
{
    private readonly Socket _listener;
    private readonly PortBalancer _balancer;
    private readonly ProxyContext _context;
    private readonly CancellationTokenSource _stop = new();

    private TcpFrontend(Socket listener, PortBalancer balancer, ProxyContext context)
    {
        _listener = listener;
        _balancer = balancer;
        _context = context;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Binds <paramref name="endPoint"/> and starts accepting.</summary>
    /// <exception cref="SocketException">The address cannot be bound (in use, not local, not permitted).</exception>
    public static TcpFrontend Start(IPEndPoint endPoint, PortBalancer balancer, ProxyContext context)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.NoDelay = true;
            listener.Bind(endPoint);
            listener.Listen(1024);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        var frontend = new TcpFrontend(listener, balancer, context);
        _ = Task.Run(frontend.AcceptLoopAsync);
        return frontend;
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // Transient (the client reset before accept, or out of descriptors): keep serving.
                ServiceProxyLog.AcceptFailed(_context.Logger, LocalEndPoint, e.SocketErrorCode);
                continue;
            }
            _ = TcpRelay.RunAsync(client, _balancer, _context);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _stop.Dispose();
    }
}
