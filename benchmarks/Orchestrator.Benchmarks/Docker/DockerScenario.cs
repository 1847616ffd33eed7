using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Docker.Engine;
using Orchestrator.Docker.Hosting;
using Orchestrator.Docker.Runtime;
using Orchestrator.NodeAgent;
using Orchestrator.Store;

namespace Orchestrator.Benchmarks.Docker;

/// <summary>
/// Scenario <c>docker</c>: the cost of a Pod over a bare container on the local engine. Starts N single-container pods
/// (busybox httpd with an HTTP readiness probe, periodSeconds 1) through the node agent and the Docker runtime, timed
/// from the first pod create to the last pod Ready; and N containers of the same image and command through raw parallel
/// Engine API calls (create + start, nothing else), timed until the last has started. Prints one JSON line with
/// <c>pods_ready_s</c>, <c>raw_containers_started_s</c>, <c>ratio</c> (pods over raw; target ≤ 1.3) and
/// <c>p50_pod_startup_ms</c>.
/// </summary>
/// <remarks>
/// <para>
/// Fairness: the raw containers run on the same kind of network as the pods (the node's user-defined bridge network,
/// which costs the engine more per container than its default bridge: an embedded DNS resolver per container);
/// the raw figure on the default bridge is reported too (<c>raw_default_bridge_started_s</c>,
/// <c>ratio_vs_default_bridge</c>). <c>raw_pairs_started_s</c> is N raw sandbox + container pairs (a sandbox on the
/// network, then a container joining it, the least a pod costs on Docker without the orchestrator);
/// <c>ratio_vs_pairs</c> is the orchestrator's own overhead. <c>raw_containers_serving_s</c> is the time until the raw
/// containers answer HTTP (polled every 10 ms), the raw equivalent of Ready.
/// </para>
/// <para>
/// A warm-up runs every path once (raw, pairs, 2 pods) untimed. Each round then runs raw on the default bridge, raw on
/// the network, pairs and pods back to back (each part under the same machine load); the figures are the medians of
/// the rounds, the ratios the medians of the rounds' ratios. The machine's load average is printed with the result:
/// compare figures only within one run. Options: <c>--pods N</c> (20), <c>--rounds N</c> (3), <c>--image REF</c>
/// (orchestrator-test/busybox:1.0, also the sandbox image, with a shell loop as the sandbox command), <c>--trace</c>
/// (per pod: when its sandbox and container were created and started, its first probe and Ready; per Engine API
/// request kind: count, latency, concurrency).
/// </para>
/// </remarks>
internal static class DockerScenario
{
    private static readonly string[] SandboxCommand = ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait; done"];
    private static readonly string[] Httpd = ["httpd", "-f", "-p", "8080", "-h", "/var/www"];

    public static async Task<int> RunAsync(string[] args)
    {
        var count = Option(args, "--pods", 20);
        var rounds = Option(args, "--rounds", 3);
        var image = StringOption(args, "--image", "orchestrator-test/busybox:1.0");
        var trace = Array.IndexOf(args, "--trace") >= 0;
        var clusterId = "bench-" + Guid.NewGuid().ToString("N")[..8];
        var dataDirectory = Path.Combine(Path.GetTempPath(), "orchestrator-bench", clusterId);
        var options = new DockerRuntimeOptions { ClusterId = clusterId, SandboxImage = image, DataDirectory = dataDirectory };
        options.SandboxCommand.AddRange(SandboxCommand);
        options.Hosts.Add(new DockerHostOptions { Name = "docker-1" });

        using var setup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var nodes = await DockerNodes.ConnectAsync(options, cancellationToken: setup.Token);
        var client = nodes[0].Runtime.Client;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var network = nodes[0].Registration.Network!.NetworkName;
        var results = new List<Round>();
        try
        {
            using (var warmUp = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
            {
                // Every path once (the engine's caches, the JIT of the orchestrator's pod path) before anything is timed.
                await RawAsync(client, image, clusterId, 2, http, null, pairs: false, warmUp.Token);
                await RawAsync(client, image, clusterId, 2, http, network, pairs: true, warmUp.Token);
                await PodsAsync(nodes, image, 2, 0, null, clusterId);
                await nodes[0].Runtime.PurgeAsync(warmUp.Token);
            }
            for (var round = 1; round <= rounds; round++)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
                var (rawBridge, _) = await RawAsync(client, image, clusterId, count, http, null, pairs: false, timeout.Token);
                var (raw, rawServing) = await RawAsync(client, image, clusterId, count, http, network, pairs: false, timeout.Token);
                var (pairs, _) = await RawAsync(client, image, clusterId, count, http, network, pairs: true, timeout.Token);
                var (pods, p50) = await PodsAsync(nodes, image, count, round, trace ? client : null, clusterId);
                await nodes[0].Runtime.PurgeAsync(CancellationToken.None); // the pods' containers; the network stays
                var r = new Round(pods, raw, rawServing, p50, pairs, rawBridge);
                results.Add(r);
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: pods ready {pods:0.000} s, raw started {raw:0.000} s (serving {rawServing:0.000} s), ratio {pods / raw:0.00}, " +
                    $"p50 {p50:0} ms; raw sandbox+container pairs {pairs:0.000} s (pods/pairs {pods / pairs:0.00}); " +
                    $"raw on the default bridge {rawBridge:0.000} s (pods/that {pods / rawBridge:0.00})"));
            }
        }
        finally
        {
            await nodes.PurgeAsync(CancellationToken.None);
            if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
        }

        double Median(Func<Round, double> pick)
        {
            var sorted = results.Select(pick).Order().ToArray();
            return sorted[sorted.Length / 2];
        }
        var podsReady = Median(r => r.Pods);
        var rawStarted = Median(r => r.Raw);
        var result = new Dictionary<string, object>
        {
            ["scenario"] = "docker",
            ["pods"] = count,
            ["rounds"] = rounds,
            ["pods_ready_s"] = Math.Round(podsReady, 3),
            ["raw_containers_started_s"] = Math.Round(rawStarted, 3),
            ["ratio"] = Math.Round(Median(r => r.Pods / r.Raw), 2),
            ["p50_pod_startup_ms"] = Math.Round(Median(r => r.P50), 1),
            ["raw_containers_serving_s"] = Math.Round(Median(r => r.RawServing), 3),
            ["raw_pairs_started_s"] = Math.Round(Median(r => r.Pairs), 3),
            ["ratio_vs_pairs"] = Math.Round(Median(r => r.Pods / r.Pairs), 2),
            ["raw_default_bridge_started_s"] = Math.Round(Median(r => r.RawBridge), 3),
            ["ratio_vs_default_bridge"] = Math.Round(Median(r => r.Pods / r.RawBridge), 2),
            ["load_average_1m"] = LoadAverage(),
            ["engine"] = client.EngineVersion.Version ?? "",
            ["cores"] = Environment.ProcessorCount,
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>
    /// Creates and starts containers with parallel Engine API calls; returns the seconds until all started and until all
    /// serve. On <paramref name="network"/> (a user-defined bridge, like the pods'), else on the engine's default
    /// bridge. With <paramref name="pairs"/>, each is a sandbox on that network plus a container joining it (the least a
    /// pod costs on Docker, without the orchestrator).
    /// </summary>
    private static async Task<(double Started, double Serving)> RawAsync(
        DockerEngineClient client, string image, string clusterId, int count, HttpClient http, string? network, bool pairs, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, string> { [DockerLabels.ClusterId] = clusterId, ["io.orchestrator.node.name"] = "docker-1" };
        var start = Stopwatch.GetTimestamp();
        var ids = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            var ids = new List<string>();
            var request = new ContainerCreateRequest { Image = image, Cmd = Httpd, Labels = labels };
            if (network is not null && !pairs)
            {
                request = request with { HostConfig = new DockerHostConfig { NetworkMode = network } };
            }
            if (pairs)
            {
                var sandbox = await client.CreateContainerAsync(null, new ContainerCreateRequest
                {
                    Image = image,
                    Entrypoint = SandboxCommand,
                    Labels = labels,
                    HostConfig = new DockerHostConfig { NetworkMode = network, IpcMode = "shareable" },
                }, cancellationToken);
                await client.StartContainerAsync(sandbox, cancellationToken);
                ids.Add(sandbox);
                request = request with { HostConfig = new DockerHostConfig { NetworkMode = $"container:{sandbox}", IpcMode = $"container:{sandbox}" } };
            }
            var id = await client.CreateContainerAsync(null, request, cancellationToken);
            await client.StartContainerAsync(id, cancellationToken);
            ids.Add(id);
            return ids;
        }));
        var started = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await Task.WhenAll(ids.Select(async group =>
        {
            var inspect = await client.InspectContainerAsync(group[0], cancellationToken);
            var ip = network is null ? inspect.NetworkSettings.IPAddress : inspect.NetworkSettings.Networks![network].IPAddress;
            while (true)
            {
                try
                {
                    using var response = await http.GetAsync($"http://{ip}:8080/", cancellationToken);
                    if (response.IsSuccessStatusCode) return;
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(10, cancellationToken);
            }
        }));
        var serving = Stopwatch.GetElapsedTime(start).TotalSeconds;
        // Joined containers before their sandboxes (removing both at once can leave the engine a stale endpoint).
        await Task.WhenAll(ids.Select(g => g[^1]).Select(id => client.RemoveContainerAsync(id, force: true, ct: cancellationToken)));
        await Task.WhenAll(ids.Where(g => g.Count > 1).Select(g => client.RemoveContainerAsync(g[0], force: true, ct: cancellationToken)));
        return (started, serving);
    }

    /// <summary>Runs pods through a node agent host; returns the seconds until all are Ready and the median pod startup.</summary>
    private static async Task<(double Ready, double P50Ms)> PodsAsync(
        DockerNodes nodes, string image, int count, int round, DockerEngineClient? traceClient, string clusterId)
    {
        await using var trace = traceClient is null ? null : new DockerTrace(traceClient, clusterId);
        var createdAt = new ConcurrentDictionary<string, DateTimeOffset>();
        var readyAt = new ConcurrentDictionary<string, DateTimeOffset>();
        var ips = new ConcurrentDictionary<string, string>();
        var time = TimeProvider.System;
        using var store = new InMemoryObjectStore(time);
        await using var informers = new SharedInformerFactory(store, time);
        await using var events = new EventBroadcaster(store, time, NullLogger.Instance);
        using var host = new NodeAgentHost(store, informers, nodes.Registrations, new NodeAgentOptions(), events, timeProvider: time,
            loggerFactory: NullLoggerFactory.Instance);
        using var setup = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await host.StartAsync(setup.Token);
        await host.Ready.WaitAsync(setup.Token);

        var created = new ConcurrentDictionary<string, long>();
        var ready = new ConcurrentDictionary<string, long>();
        var startedToReady = new ConcurrentBag<double>();
        var allReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = store.Watch(ApiResources.For<Pod>()).Subscribe(new Observer(e =>
        {
            if (e.Object is Pod pod && pod.IsReady() && ready.TryAdd(pod.Metadata.Name!, Stopwatch.GetTimestamp()))
            {
                readyAt[pod.Metadata.Name!] = DateTimeOffset.UtcNow;
                ips[pod.Metadata.Name!] = pod.Status?.PodIP ?? "";
                if (pod.Status?.ContainerStatuses.FirstOrDefault()?.State.Running?.StartedAt is { } startedAt)
                {
                    startedToReady.Add((DateTimeOffset.UtcNow - startedAt).TotalMilliseconds);
                }
                if (ready.Count == count) allReady.TrySetResult();
            }
        }));

        var start = Stopwatch.GetTimestamp();
        var startedAt = DateTimeOffset.UtcNow;
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            var name = $"web-{round}-{i}";
            created[name] = Stopwatch.GetTimestamp();
            createdAt[name] = DateTimeOffset.UtcNow;
            await store.CreateAsync(new Pod
            {
                Metadata = new ObjectMeta { Name = name, Namespace = "default" },
                Spec = new PodSpec
                {
                    NodeName = "docker-1",
                    Containers =
                    [
                        new Container
                        {
                            Name = "web",
                            Image = image,
                            Command = Httpd,
                            ImagePullPolicy = PullPolicy.IfNotPresent,
                            ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/", Port = 8080 }, PeriodSeconds = 1 },
                        },
                    ],
                },
            });
        }));
        using var run = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await allReady.Task.WaitAsync(run.Token);
        var elapsed = Stopwatch.GetElapsedTime(start, ready.Values.Max()).TotalSeconds;
        var latencies = ready.Select(kv => Stopwatch.GetElapsedTime(created[kv.Key], kv.Value).TotalMilliseconds).Order().ToArray();
        await host.StopAsync(CancellationToken.None);
        var probeWait = startedToReady.Order().ToArray();
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  pods: container started → pod Ready p50 {probeWait[probeWait.Length / 2]:0} ms, max {probeWait[^1]:0} ms"));
        if (trace is not null)
        {
            await Task.Delay(200); // the last engine events
            await Console.Error.WriteAsync(trace.Report(startedAt, createdAt, readyAt, ips));
        }
        return (elapsed, latencies[latencies.Length / 2]);
    }

    /// <summary>The machine's 1-minute load average (Linux), to read each figure against; -1 elsewhere.</summary>
    private static double LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return -1;
        }
    }

    private readonly record struct Round(double Pods, double Raw, double RawServing, double P50, double Pairs, double RawBridge);

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : fallback;
    }

    private static string StringOption(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private sealed class Observer(Action<WatchEvent<KubernetesObject>> onNext) : IObserver<WatchEvent<KubernetesObject>>
    {
        public void OnNext(WatchEvent<KubernetesObject> value) => onNext(value);

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
