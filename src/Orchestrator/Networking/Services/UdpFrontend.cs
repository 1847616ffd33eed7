using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Networking.Services;

/// <summary>
/// A UDP listener of one Service port. Each client address (a flow) gets its own connected socket to a backend chosen
/// by the port's <see cref="PortBalancer"/>; replies come back through the listener. A flow ends when idle for
/// <see cref="ServiceNetworkingOptions.UdpFlowIdleTimeout"/>, when its backend leaves the Service's endpoints (as
/// kube-proxy clears conntrack entries of removed UDP endpoints), or when the backend refuses (ICMP port unreachable);
/// the client's next datagram then opens a new flow.
/// </summary>
internal sealed class UdpFrontend : IFrontend
{
    private readonly Socket _socket;
    private readonly PortBalancer _balancer;
    private readonly ProxyContext _context;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<SocketAddress, UdpFlow> _flows = new();
    private readonly ITimer _sweeper;

    private UdpFrontend(Socket socket, PortBalancer balancer, ProxyContext context)
    {
        _socket = socket;
        _balancer = balancer;
        _context = context;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        var period = context.Options.UdpFlowIdleTimeout / 2;
        if (period < TimeSpan.FromMilliseconds(100)) period = TimeSpan.FromMilliseconds(100);
        _sweeper = context.Time.CreateTimer(static s => ((UdpFrontend)s!).Sweep(), this, period, period);
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>How many flows are open.</summary>
    public int FlowCount => _flows.Count;

    /// <summary>Binds <paramref name="endPoint"/> and starts receiving.</summary>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public static UdpFrontend Start(IPEndPoint endPoint, PortBalancer balancer, ProxyContext context)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(endPoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var frontend = new UdpFrontend(socket, balancer, context);
        _ = Task.Run(frontend.ReceiveLoopAsync);
        return frontend;
    }

    private async Task ReceiveLoopAsync()
    {
        var token = _stop.Token;
        var buffer = GC.AllocateUninitializedArray<byte>(65536);
        var from = new SocketAddress(LocalEndPoint.AddressFamily);
        while (!token.IsCancellationRequested)
        {
            int read;
            try
            {
                read = await _socket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, from, token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // e.g. ICMP errors reported on the listener; the next datagram is unaffected
            }
            try
            {
                await ForwardAsync(from, buffer.AsMemory(0, read)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The flow broke while sending; it is dropped and the next datagram opens a new one.
            }
        }
    }

    private async ValueTask ForwardAsync(SocketAddress from, ReadOnlyMemory<byte> datagram)
    {
        var backends = _balancer.Current;
        if (_flows.TryGetValue(from, out var flow) && !flow.IsCurrent(backends))
        {
            Close(flow);
            flow = null;
        }
        if (flow is null)
        {
            if (backends.Backends.Length == 0)
            {
                _context.Metrics.Rejected("no_endpoints");
                ServiceProxyLog.NoEndpoints(_context.Logger, _balancer.Label);
                return;
            }
            var client = new SocketAddress(from.Family, from.Size);
            from.Buffer.CopyTo(client.Buffer);
            var clientIp = backends.AffinityTimeout is null ? null : ((IPEndPoint)LocalEndPoint.Create(client)).Address;
            var index = _balancer.First(backends, clientIp);
            var backend = backends.Backends[index];
            var socket = new Socket(backend.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.Connect(backend);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                _context.Metrics.ConnectFailed();
                ServiceProxyLog.BackendConnectFailed(_context.Logger, _balancer.Label, backend, e.SocketErrorCode.ToString());
                return;
            }
            _balancer.Connected(backends, clientIp, backend);
            flow = new UdpFlow(this, client, socket, backends, backend, _context.Time.GetTimestamp());
            _flows[client] = flow;
            _context.Track(flow);
            _context.Metrics.Opened(udp: true);
            _ = ReplyLoopAsync(flow);
        }
        flow.LastActive = _context.Time.GetTimestamp();
        await flow.Backend.SendAsync(datagram, SocketFlags.None).ConfigureAwait(false);
        _context.Metrics.Relayed(udp: true, toBackend: true, datagram.Length);
    }

    private async Task ReplyLoopAsync(UdpFlow flow)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(65536);
        try
        {
            while (true)
            {
                var read = await flow.Backend.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).ConfigureAwait(false);
                flow.LastActive = _context.Time.GetTimestamp();
                await _socket.SendToAsync(buffer.AsMemory(0, read), SocketFlags.None, flow.Client).ConfigureAwait(false);
                _context.Metrics.Relayed(udp: true, toBackend: false, read);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Closed (idle, removed endpoint, stop) or refused by the backend: the flow ends.
        }
        finally
        {
            Close(flow);
        }
    }

    private void Close(UdpFlow flow)
    {
        if (!flow.TryClose()) return;
        _flows.TryRemove(new KeyValuePair<SocketAddress, UdpFlow>(flow.Client, flow));
        _context.Untrack(flow);
        _context.Metrics.Closed(udp: true);
    }

    private void Sweep()
    {
        var idle = (long)(_context.Options.UdpFlowIdleTimeout.TotalSeconds * _context.Time.TimestampFrequency);
        var now = _context.Time.GetTimestamp();
        var backends = _balancer.Current;
        foreach (var flow in _flows.Values)
        {
            if (now - flow.LastActive >= idle || !flow.IsCurrent(backends)) Close(flow);
        }
    }

    /// <summary>Stops receiving and closes every flow of this listener.</summary>
    public void Dispose()
    {
        _sweeper.Dispose();
        _stop.Cancel();
        _socket.Dispose();
        foreach (var flow in _flows.Values) Close(flow);
        _stop.Dispose();
    }

    /// <summary>One client address and its connected backend socket.</summary>
    private sealed class UdpFlow(UdpFrontend owner, SocketAddress client, Socket backend, BackendSet backends, IPEndPoint backendEndPoint, long now) : IDisposable
    {
        private BackendSet _checked = backends;
        private int _closed;

        public SocketAddress Client { get; } = client;

        public Socket Backend { get; } = backend;

        public long LastActive { get; set; } = now;

        /// <summary>Whether the backend is still in <paramref name="current"/> (cheap when the snapshot has not changed).</summary>
        public bool IsCurrent(BackendSet current)
        {
            if (ReferenceEquals(current, Volatile.Read(ref _checked))) return true;
            if (current.IndexOf(backendEndPoint) < 0) return false;
            Volatile.Write(ref _checked, current);
            return true;
        }

        public bool TryClose()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0) return false;
            Backend.Dispose();
            return true;
        }

        /// <summary>Closes the flow and removes it from its listener (the proxy is stopping).</summary>
        public void Dispose() => owner.Close(this);
    }
}
