using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Orchestrator.Tests.Networking;

/// <summary>
/// A TCP backend on a loopback address: on connect it writes its name and a newline, then echoes what it receives; when
/// the client half-closes it writes <c>bye</c> and closes. Counts the connections it accepted.
/// </summary>
internal sealed class TcpEchoBackend : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _accepted;

    public TcpEchoBackend(string name, IPEndPoint endPoint)
    {
        Name = name;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(endPoint);
        _listener.Listen(128);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _loop = AcceptLoopAsync();
    }

    public string Name { get; }

    public IPEndPoint EndPoint { get; }

    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var _ = client;
        try
        {
            await client.SendAsync(Encoding.ASCII.GetBytes(Name + "\n"), SocketFlags.None);
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            {
                await client.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
            await client.SendAsync("bye\n"u8.ToArray(), SocketFlags.None);
            client.Shutdown(SocketShutdown.Both);
        }
        catch (Exception)
        {
            // the test closed the connection or the backend
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>A UDP backend on a loopback address that answers each datagram with <c>name:payload</c>.</summary>
internal sealed class UdpEchoBackend : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public UdpEchoBackend(string name, IPEndPoint endPoint)
    {
        Name = name;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(endPoint);
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = LoopAsync();
    }

    public string Name { get; }

    public IPEndPoint EndPoint { get; }

    private async Task LoopAsync()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (true)
        {
            try
            {
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
                var reply = Encoding.ASCII.GetBytes($"{Name}:{Encoding.ASCII.GetString(buffer, 0, result.ReceivedBytes)}");
                await _socket.SendToAsync(reply, SocketFlags.None, result.RemoteEndPoint);
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>Loopback sockets for tests: backends on 127.0.0.2.. sharing one port, and clients.</summary>
internal static class Loopback
{
    /// <summary>A port free on every one of <paramref name="addresses"/> for <paramref name="type"/>, found by probing.</summary>
    public static int FreePort(SocketType type, params IPAddress[] addresses)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, type, type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp);
            probe.Bind(new IPEndPoint(addresses[0], 0));
            var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
            var free = true;
            foreach (var address in addresses.Skip(1))
            {
                using var other = new Socket(AddressFamily.InterNetwork, type, type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp);
                try
                {
                    other.Bind(new IPEndPoint(address, port));
                }
                catch (SocketException)
                {
                    free = false;
                    break;
                }
            }
            if (free) return port;
        }
        throw new InvalidOperationException("no common free port found");
    }

    /// <summary>Three TCP echo backends b1..b3 on 127.0.0.2..4, same port.</summary>
    public static TcpEchoBackend[] TcpTrio(int firstAddress = 2)
    {
        var addresses = Enumerable.Range(firstAddress, 3).Select(i => IPAddress.Parse($"127.0.0.{i}")).ToArray();
        var port = FreePort(SocketType.Stream, addresses);
        return [.. addresses.Select((a, i) => new TcpEchoBackend($"b{i + 1}", new IPEndPoint(a, port)))];
    }

    /// <summary>Connects to <paramref name="endPoint"/> and reads the backend's name line.</summary>
    public static async Task<(Socket Socket, string Backend)> ConnectAsync(IPEndPoint endPoint, CancellationToken ct, IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (from is not null) socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(endPoint, ct);
        var line = await ReadLineAsync(socket, ct);
        return (socket, line ?? throw new AssertionException($"the connection to {endPoint} closed before a backend answered"));
    }

    /// <summary>Connects, reads the backend name and closes; returns the name.</summary>
    public static async Task<string> WhoAsync(IPEndPoint endPoint, CancellationToken ct, IPAddress? from = null)
    {
        var (socket, name) = await ConnectAsync(endPoint, ct, from);
        socket.Dispose();
        return name;
    }

    /// <summary>Reads one line (without the newline) byte by byte; null at end of stream.</summary>
    public static async Task<string?> ReadLineAsync(Socket socket, CancellationToken ct)
    {
        var text = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            var read = await socket.ReceiveAsync(one, SocketFlags.None, ct);
            if (read == 0) return text.Length == 0 ? null : text.ToString();
            if (one[0] == '\n') return text.ToString();
            text.Append((char)one[0]);
        }
    }

    /// <summary>Reads until the peer closes.</summary>
    public static async Task<string> ReadToEndAsync(Socket socket, CancellationToken ct)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0) text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        return text.ToString();
    }
}
