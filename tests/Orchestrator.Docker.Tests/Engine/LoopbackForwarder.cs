using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Docker.Tests.Engine;

/// <summary>
/// Test plumbing: a TCP listener on 127.0.0.1 that forwards each connection to a unix socket, so that the client's
/// plain <c>tcp://</c> transport can be tested against the real engine without exposing it unencrypted.
/// </summary>
internal sealed class LoopbackForwarder : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly string socketPath;
    private readonly CancellationTokenSource stop = new();
    private readonly Task acceptLoop;

    public LoopbackForwarder(string socketPath)
    {
        this.socketPath = socketPath;
        listener.Start();
        acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public int ConnectionsAccepted;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                TcpClient client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref ConnectionsAccepted);
                _ = ForwardAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        using (var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                await engine.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), stop.Token);
                await using var engineStream = new NetworkStream(engine, ownsSocket: false);
                NetworkStream clientStream = client.GetStream();
                await Task.WhenAny(clientStream.CopyToAsync(engineStream, stop.Token), engineStream.CopyToAsync(clientStream, stop.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await acceptLoop;
        stop.Dispose();
    }
}
