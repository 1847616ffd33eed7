using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Docker.Tests.Runtime;

/// <summary>
/// Test plumbing: a plain-TCP front for an engine's unix socket on 127.0.0.1 that a test can cut, to see what the
/// runtime does when the engine's connections break (<see cref="DropConnections"/>) or the engine stops answering
/// altogether (<see cref="Stop"/>), without touching the engine other tests use.
/// </summary>
internal sealed class EngineProxy : IAsyncDisposable
{
    private readonly string _socketPath;
    private readonly ConcurrentDictionary<TcpClient, Socket> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TcpListener _listener;
    private readonly Task _accept;
    private volatile bool _paused;

    public EngineProxy(string socketPath, int port = 0)
    {
        _socketPath = socketPath;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>The address to give the runtime.</summary>
    public string Address => $"tcp://127.0.0.1:{Port}";

    /// <summary>Closes every open connection (the engine seems to restart); new connections are accepted.</summary>
    public void DropConnections()
    {
        foreach (var (client, engine) in _connections)
        {
            client.Client.Close(0);
            engine.Close(0);
        }
        _connections.Clear();
    }

    /// <summary>Closes every connection and refuses new ones until <see cref="Resume"/>: an engine that is briefly away.</summary>
    public void Pause()
    {
        _paused = true;
        DropConnections();
    }

    /// <summary>Forwards new connections again.</summary>
    public void Resume() => _paused = false;

    /// <summary>Stops accepting and closes every connection: the engine no longer answers.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accept;
        DropConnections();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ForwardAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        if (_paused)
        {
            client.Client.Close(0);
            client.Dispose();
            return;
        }
        var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _connections[client] = engine;
        try
        {
            await engine.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), _stop.Token);
            await using var engineStream = new NetworkStream(engine, ownsSocket: false);
            var clientStream = client.GetStream();
            await Task.WhenAny(clientStream.CopyToAsync(engineStream, _stop.Token), engineStream.CopyToAsync(clientStream, _stop.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _connections.TryRemove(client, out _);
            client.Dispose();
            engine.Dispose();
        }
    }
}
