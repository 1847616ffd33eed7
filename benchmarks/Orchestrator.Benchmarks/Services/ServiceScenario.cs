using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Client;
using Orchestrator.Docker.Hosting;
using Orchestrator.Hosting;
using Orchestrator.Networking;
using Orchestrator.NodeAgent;

namespace Orchestrator.Benchmarks.Services;

/// <summary>
/// Scenario <c>service</c>: what the in-process Service proxy costs. An orchestrator with one Docker node runs busybox
/// <c>httpd</c> backends and a Service over them; the same closed-loop load (<c>--concurrency</c> workers, each
/// connecting, sending <c>GET /</c>, reading the whole answer and closing, as busybox httpd closes every connection) runs
/// from this process against the Service address and against the backend pod IPs directly, alternating in
/// <c>--rounds</c> rounds of <c>--seconds</c> each so that both see the same machine load. The Service address is the
/// loopback frontend of <see cref="IServiceAddresses.GetServiceAddressAsync"/>, or the ClusterIP with
/// <c>--via clusterip</c> (needs root). Prints one JSON line with <c>via_service_rps</c>, <c>direct_rps</c>,
/// <c>ratio</c> (target ≥ 0.8) and <c>p99_added_latency_ms</c>, plus p50/p99 of both and the errors. Options:
/// <c>--backends N</c> (1: the Service and the direct load hit the same single backend), <c>--concurrency N</c> (16),
/// <c>--seconds N</c> (5), <c>--rounds N</c> (3), <c>--via loopback|clusterip</c>, <c>--backend-connect-timeout-ms N</c>
/// (the proxy's <see cref="ServiceNetworkingOptions.BackendConnectTimeout"/>; its default when absent).
/// </summary>
internal static class ServiceScenario
{
    private const string Image = "orchestrator-test/busybox:1.0";

    public static async Task<int> RunAsync(string[] args)
    {
        var backends = Option(args, "--backends", 1);
        var concurrency = Option(args, "--concurrency", 16);
        var seconds = Option(args, "--seconds", 5);
        var rounds = Option(args, "--rounds", 3);
        var via = StringOption(args, "--via", "loopback");
        var connectTimeoutMs = Option(args, "--backend-connect-timeout-ms", 0);
        var clusterId = "bench-svc-" + Guid.NewGuid().ToString("N")[..8];
        var dataDirectory = Path.Combine(Path.GetTempPath(), "orchestrator-bench", clusterId);

        var options = new DockerRuntimeOptions { ClusterId = clusterId, SandboxImage = Image, DataDirectory = dataDirectory };
        options.SandboxCommand.AddRange(["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait; done"]);
        options.Hosts.Add(new DockerHostOptions { Name = "docker-1" });
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddOrchestrator(o =>
        {
            if (connectTimeoutMs > 0) o.Services = o.Services with { BackendConnectTimeout = TimeSpan.FromMilliseconds(connectTimeoutMs) };
        }).AddDockerRuntime(o =>
        {
            o.ClusterId = options.ClusterId;
            o.SandboxImage = options.SandboxImage;
            o.SandboxCommand.AddRange(options.SandboxCommand);
            o.DataDirectory = options.DataDirectory;
            o.Hosts.AddRange(options.Hosts);
        });
        builder.Services.AddServiceNetworking();
        using var host = builder.Build();
        var result = new Dictionary<string, object>();
        try
        {
            using (var setup = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
            {
                await host.StartAsync(setup.Token);
                await host.Services.GetRequiredService<NodeAgentHost>().Ready.WaitAsync(setup.Token);
            }
            var client = host.Services.GetRequiredService<IOrchestratorClient>();
            var (service, direct) = await DeployAsync(client, host.Services.GetRequiredService<IServiceAddresses>(), backends, via);
            await Console.Error.WriteLineAsync($"service {service} ({via}), backends {string.Join(", ", direct)}; concurrency {concurrency}, {rounds} x {seconds} s each");

            // Warm up both paths (JIT, the proxy's connections, the backends' first forks) before anything is timed.
            await LoadGenerator.RunAsync([service], concurrency, TimeSpan.FromSeconds(1));
            await LoadGenerator.RunAsync(direct, concurrency, TimeSpan.FromSeconds(1));
            var viaService = new LoadResult();
            var directly = new LoadResult();
            for (var round = 1; round <= rounds; round++)
            {
                var d = await LoadGenerator.RunAsync(direct, concurrency, TimeSpan.FromSeconds(seconds));
                var s = await LoadGenerator.RunAsync([service], concurrency, TimeSpan.FromSeconds(seconds));
                directly.Add(d);
                viaService.Add(s);
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: direct {d.Rps:0} req/s (p99 {d.Percentile(0.99):0.00} ms, {d.Errors} errors), " +
                    $"via service {s.Rps:0} req/s (p99 {s.Percentile(0.99):0.00} ms, {s.Errors} errors), ratio {s.Rps / d.Rps:0.00}"));
            }
            result["scenario"] = "service";
            result["via_service_rps"] = Math.Round(viaService.Rps, 0);
            result["direct_rps"] = Math.Round(directly.Rps, 0);
            result["ratio"] = Math.Round(viaService.Rps / directly.Rps, 2);
            result["p99_added_latency_ms"] = Math.Round(viaService.Percentile(0.99) - directly.Percentile(0.99), 2);
            result["p50_added_latency_ms"] = Math.Round(viaService.Percentile(0.5) - directly.Percentile(0.5), 2);
            result["via_service_p99_ms"] = Math.Round(viaService.Percentile(0.99), 2);
            result["direct_p99_ms"] = Math.Round(directly.Percentile(0.99), 2);
            result["via_service_errors"] = viaService.Errors;
            result["direct_errors"] = directly.Errors;
            result["error_kinds"] = string.Join(", ", viaService.ErrorKinds.Select(e => $"service {e.Key}: {e.Value}")
                .Concat(directly.ErrorKinds.Select(e => $"direct {e.Key}: {e.Value}")));
            result["via"] = via;
            result["backends"] = backends;
            result["concurrency"] = concurrency;
            result["seconds_per_round"] = seconds;
            result["rounds"] = rounds;
            result["load_average_1m"] = LoadAverage();
            result["cores"] = Environment.ProcessorCount;
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await host.StopAsync(stop.Token);
            await using (var nodes = await DockerNodes.ConnectAsync(options, cancellationToken: stop.Token))
            {
                await nodes.PurgeAsync(stop.Token);
            }
            if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
        }
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>Creates the backends and the Service, waits until the Service serves every backend; returns both addresses.</summary>
    private static async Task<(IPEndPoint Service, IPEndPoint[] Direct)> DeployAsync(IOrchestratorClient client, IServiceAddresses addresses, int backends, string via)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var manifests = Enumerable.Range(0, backends).Select(i => $"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: bench-web-{i}
              namespace: default
              labels:
                app: bench-web
            spec:
              nodeName: docker-1
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: {Image}
                imagePullPolicy: IfNotPresent
                command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www']
                readinessProbe:
                  httpGet:
                    path: /
                    port: 8080
                  periodSeconds: 1
            """).Append("""
            apiVersion: v1
            kind: Service
            metadata:
              name: bench-web
              namespace: default
            spec:
              selector:
                app: bench-web
              ports:
              - port: 80
                targetPort: 8080
            """);
        await client.ApplyAsync(string.Join("\n---\n", manifests), cancellationToken: timeout.Token);
        var pods = new List<Pod>();
        for (var i = 0; i < backends; i++)
        {
            pods.Add(await client.WaitForConditionAsync<Pod>("default", $"bench-web-{i}", p => p.IsReady(), TimeSpan.FromMinutes(1), "ready", timeout.Token));
        }
        await client.WaitForConditionAsync<Endpoints>("default", "bench-web",
            e => e.Subsets.Sum(s => s.Addresses.Count) == backends, TimeSpan.FromMinutes(1), "listing every backend", timeout.Token);
        IPEndPoint service;
        if (via == "clusterip")
        {
            var svc = await client.GetAsync<Service>("default", "bench-web", timeout.Token);
            service = new IPEndPoint(IPAddress.Parse(svc!.Spec.ClusterIP!), 80);
        }
        else
        {
            service = await addresses.GetServiceAddressAsync("default", "bench-web", 80, timeout.Token);
        }
        // The proxy learns the endpoints from a watch: wait until it serves.
        await LoadGenerator.WaitUntilServedAsync(service, timeout.Token);
        return (service, [.. pods.Select(p => new IPEndPoint(IPAddress.Parse(p.Status!.PodIP!), 8080))]);
    }

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
}
