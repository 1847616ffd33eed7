using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.ApiServer;
using Orchestrator.Store;

namespace Orchestrator.Benchmarks.ApiServer;

/// <summary>
/// <c>apiserver</c>: GET and LIST (100 ConfigMaps) requests per second over HTTP on loopback with concurrent clients,
/// and the latency from a store write to its watch event arriving at an HTTP watcher. Prints one JSON line with
/// <c>get_rps</c>, <c>list_100_rps</c> and <c>watch_p99_ms</c>. Options: <c>--seconds N</c> (default 3),
/// <c>--concurrency N</c> (default 32).
/// </summary>
internal static class ApiServerScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Option(args, "--seconds", 3);
        var concurrency = Option(args, "--concurrency", 32);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IObjectStore>(new InMemoryObjectStore());
        builder.Services.AddOrchestratorApiServer(o =>
        {
            o.UseTls = false;
            o.WriteKubeconfig = false;
        });
        using var host = builder.Build();
        await host.StartAsync();
        var api = host.Services.GetRequiredService<IApiServer>();
        var store = host.Services.GetRequiredService<IObjectStore>();
        await store.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = "bench" } });
        for (var i = 0; i < 100; i++)
        {
            await store.CreateAsync(new ConfigMap
            {
                Metadata = new ObjectMeta { Name = $"cm-{i}", Namespace = "bench", Labels = new Dictionary<string, string> { ["app"] = "bench" } },
                Data = new Dictionary<string, string> { ["key"] = new string('x', 200) },
            });
        }
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = api.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.Token);

        await Console.Error.WriteLineAsync($"apiserver: {api.Address}, {concurrency} clients, {seconds}s per phase");
        await MeasureAsync(http, i => $"/api/v1/namespaces/bench/configmaps/cm-{i % 100}", concurrency, 1); // warm-up
        var getRps = await MeasureAsync(http, i => $"/api/v1/namespaces/bench/configmaps/cm-{i % 100}", concurrency, seconds);
        await Console.Error.WriteLineAsync($"get: {getRps:F0}/s");
        var listRps = await MeasureAsync(http, _ => "/api/v1/namespaces/bench/configmaps", concurrency, seconds);
        await Console.Error.WriteLineAsync($"list 100: {listRps:F0}/s");
        var p99 = await WatchLatencyAsync(http, store);
        await Console.Error.WriteLineAsync($"watch p99: {p99:F2} ms");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            scenario = "apiserver",
            get_rps = Math.Round(getRps),
            list_100_rps = Math.Round(listRps),
            watch_p99_ms = Math.Round(p99, 3),
        }));
        await host.StopAsync();
        return 0;
    }

    private static async Task<double> MeasureAsync(HttpClient http, Func<int, string> path, int concurrency, int seconds)
    {
        var stopwatch = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        long completed = 0;
        var workers = Enumerable.Range(0, concurrency).Select(async w =>
        {
            var i = w;
            while (stopwatch.Elapsed < deadline)
            {
                using var response = await http.GetAsync(path(i++), HttpCompletionOption.ResponseContentRead);
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref completed);
            }
        });
        await Task.WhenAll(workers);
        return completed / stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<double> WatchLatencyAsync(HttpClient http, IObjectStore store)
    {
        const int events = 1000;
        var rv = store.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var response = await http.GetAsync($"/api/v1/namespaces/bench/configmaps?watch=true&resourceVersion={rv}", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var latencies = new List<double>(events);
        for (var i = 0; i < events; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await store.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = $"w-{i}", Namespace = "bench" } });
            var line = await reader.ReadLineAsync() ?? throw new InvalidOperationException("watch ended");
            if (!line.Contains($"\"w-{i}\"", StringComparison.Ordinal)) throw new InvalidOperationException($"unexpected event {line}");
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        latencies.Sort();
        return latencies[(int)Math.Ceiling(latencies.Count * 0.99) - 1];
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) ? value : fallback;
    }
}
