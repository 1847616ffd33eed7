using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Networking;
using Orchestrator.Store;

namespace Orchestrator.Benchmarks.Networking;

/// <summary>
/// <c>service-proxy [seconds=3] [concurrency=16]</c>: the in-process Service proxy alone, on loopback, against an
/// in-process echo backend, each measure run direct and through the proxy's loopback frontend in one run:
/// <list type="bullet">
/// <item><c>stream</c>: one connection, 64 KB writes echoed back, MB/s each way;</item>
/// <item><c>rr</c>: persistent connections, 64-byte request/response ping-pong, requests/s and p99;</item>
/// <item><c>connect</c>: a new connection per 64-byte request (as HTTP/1.0), requests/s and p99.</item>
/// </list>
/// Ends with one JSON line of the figures and the via/direct ratios.
/// </summary>
internal static class ProxyMicroScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
        var concurrency = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 16;
        var duration = TimeSpan.FromSeconds(seconds);

        using var backend = new EchoServer(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        var store = new InMemoryObjectStore(TimeProvider.System);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IObjectStore>(store);
        builder.Services.AddSingleton(new ServiceNetworkingOptions());
        builder.Services.AddServiceNetworking();
        using var host = builder.Build();
        await host.StartAsync();
        await ObjectStoreExtensions.CreateAsync<Service>(store, new Service
        {
            Metadata = new ObjectMeta { Name = "echo", Namespace = "default" },
            Spec = new ServiceSpec { Ports = [new ServicePort { Port = 7, TargetPort = IntOrString.FromInt(backend.EndPoint.Port) }] },
        });
        await ObjectStoreExtensions.CreateAsync<Endpoints>(store, new Endpoints
        {
            Metadata = new ObjectMeta { Name = "echo", Namespace = "default" },
            Subsets = [new EndpointSubset { Addresses = [new EndpointAddress { Ip = "127.0.0.2" }], Ports = [new EndpointPort { Port = backend.EndPoint.Port }] }],
        });
        using var setup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var proxy = await host.Services.GetRequiredService<IServiceAddresses>().GetServiceAddressAsync("default", "echo", 7, setup.Token);
        while (!await ServedAsync(proxy)) await Task.Delay(20, setup.Token);
        var direct = backend.EndPoint;

        var result = new Dictionary<string, object>();
        foreach (var (name, target) in new[] { ("direct", direct), ("via", proxy), ("direct", direct), ("via", proxy) })
        {
            // Two rounds each, interleaved; the second (warm) is kept.
            result[$"stream_{name}_mb_s"] = Math.Round(await StreamAsync(target, duration), 1);
            var rr = await RequestResponseAsync(target, concurrency, duration, reconnect: false);
            result[$"rr_{name}_rps"] = Math.Round(rr.Rps);
            result[$"rr_{name}_p99_ms"] = Math.Round(rr.P99, 3);
            var connect = await RequestResponseAsync(target, concurrency, duration, reconnect: true);
            result[$"connect_{name}_rps"] = Math.Round(connect.Rps);
            result[$"connect_{name}_p99_ms"] = Math.Round(connect.P99, 3);
            await Console.Error.WriteLineAsync($"{name}: {JsonSerializer.Serialize(result)}");
        }
        result["stream_ratio"] = Math.Round((double)result["stream_via_mb_s"] / (double)result["stream_direct_mb_s"], 3);
        result["rr_ratio"] = Math.Round((double)result["rr_via_rps"] / (double)result["rr_direct_rps"], 3);
        result["connect_ratio"] = Math.Round((double)result["connect_via_rps"] / (double)result["connect_direct_rps"], 3);
        result["concurrency"] = concurrency;
        result["cpus"] = Environment.ProcessorCount;
        await host.StopAsync();
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    private static async Task<bool> ServedAsync(IPEndPoint target)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(target);
            await socket.SendAsync(new byte[1], SocketFlags.None);
            return await socket.ReceiveAsync(new byte[1], SocketFlags.None) == 1;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<double> StreamAsync(IPEndPoint target, TimeSpan duration)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(target);
        var chunk = new byte[64 * 1024];
        var clock = Stopwatch.StartNew();
        long sent = 0;
        var reader = Task.Run(async () =>
        {
            var buffer = new byte[256 * 1024];
            long received = 0;
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0) received += read;
            return received;
        });
        while (clock.Elapsed < duration) sent += await socket.SendAsync(chunk, SocketFlags.None);
        socket.Shutdown(SocketShutdown.Send);
        var echoed = await reader;
        var elapsed = clock.Elapsed.TotalSeconds;
        if (echoed != sent) throw new InvalidOperationException($"sent {sent} bytes, got {echoed} back");
        return sent / elapsed / (1024 * 1024);
    }

    private static async Task<(double Rps, double P99)> RequestResponseAsync(IPEndPoint target, int concurrency, TimeSpan duration, bool reconnect)
    {
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>(1 << 16);
            var request = new byte[64];
            var response = new byte[64];
            Socket? socket = null;
            try
            {
                while (clock.Elapsed < duration)
                {
                    var started = Stopwatch.GetTimestamp();
                    if (socket is null)
                    {
                        socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                        await socket.ConnectAsync(target);
                    }
                    await socket.SendAsync(request, SocketFlags.None);
                    var got = 0;
                    while (got < response.Length)
                    {
                        var read = await socket.ReceiveAsync(response.AsMemory(got), SocketFlags.None);
                        if (read == 0) throw new InvalidOperationException("closed early");
                        got += read;
                    }
                    if (reconnect)
                    {
                        socket.Shutdown(SocketShutdown.Send);
                        while (await socket.ReceiveAsync(response, SocketFlags.None) > 0)
                        {
                        }
                        socket.Dispose();
                        socket = null;
                    }
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
            finally
            {
                socket?.Dispose();
            }
            return latencies;
        })).ToArray();
        var all = (await Task.WhenAll(workers)).SelectMany(l => l).Order().ToArray();
        var seconds = clock.Elapsed.TotalSeconds;
        return (all.Length / seconds, all.Length == 0 ? double.NaN : all[(int)Math.Ceiling(0.99 * all.Length) - 1]);
    }

    /// <summary>Echoes every connection until the client half-closes, then closes.</summary>
    private sealed class EchoServer : IDisposable
    {
        private readonly Socket _listener;

        public EchoServer(IPEndPoint endPoint)
        {
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.Bind(endPoint);
            _listener.Listen(1024);
            EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
            _ = Task.Run(AcceptAsync);
        }

        public IPEndPoint EndPoint { get; }

        private async Task AcceptAsync()
        {
            while (true)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptAsync();
                }
                catch (Exception)
                {
                    return;
                }
                _ = Task.Run(async () =>
                {
                    using var _ = client;
                    client.NoDelay = true;
                    var buffer = new byte[256 * 1024];
                    try
                    {
                        int read;
                        while ((read = await client.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                        {
                            await client.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                        }
                        client.Shutdown(SocketShutdown.Send);
                    }
                    catch (SocketException)
                    {
                    }
                });
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
