using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.NodeAgent;
using Orchestrator.Runtime.Simulated;
using Orchestrator.Store;

namespace Orchestrator.Benchmarks.NodeAgent;

/// <summary>
/// Scenario <c>kubelet</c>: 5,000 bare pods, already bound (spec.nodeName set, no scheduler), on 100 simulated nodes.
/// Measures, through a store watch, the time from each create call to the pod's first Running status, and prints one
/// JSON line with <c>pods_running_per_s</c> (pods over the time from the first create to the last Running) and
/// <c>p99_pod_startup_ms</c>. Targets: ≥ 2,000 pods/s; the Kubernetes pod startup SLO is p99 ≤ 5 s.
/// Options: <c>--pods N</c>, <c>--nodes N</c>.
/// </summary>
internal static class KubeletBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var pods = Option(args, "--pods", 5000);
        var nodeCount = Option(args, "--nodes", 100);
        var time = TimeProvider.System;

        using var store = new InMemoryObjectStore(time);
        await using var informers = new SharedInformerFactory(store, time);
        await using var events = new EventBroadcaster(store, time, NullLogger.Instance);
        var nodeOptions = new SimulatedNodeOptions { Pods = pods / nodeCount + 10 };
        nodeOptions.PreloadedImages.Add("registry.k8s.io/pause:3.10");
        var nodes = SimulatedNodes.Create(nodeCount, nodeOptions, time);
        using var host = new NodeAgentHost(store, informers, nodes.Registrations, new NodeAgentOptions(), events, timeProvider: time);

        using var setup = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await host.StartAsync(setup.Token);
        await host.Ready.WaitAsync(setup.Token);

        var created = new ConcurrentDictionary<string, long>();
        var running = new ConcurrentDictionary<string, long>();
        var allRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = store.Watch(ApiResources.For<Pod>()).Subscribe(new Observer(e =>
        {
            if (e.Object is Pod { Status.Phase: PodPhase.Running } pod && running.TryAdd(pod.Metadata.Name!, Stopwatch.GetTimestamp()) &&
                running.Count == pods)
            {
                allRunning.TrySetResult();
            }
        }));

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < pods; i++)
        {
            var name = $"pod-{i}";
            var pod = new Pod
            {
                Metadata = new ObjectMeta { Name = name, Namespace = "default", Labels = new Dictionary<string, string> { ["app"] = "bench" } },
                Spec = new PodSpec
                {
                    NodeName = $"node-{i % nodeCount + 1}",
                    Containers = [new Container { Name = "app", Image = "registry.k8s.io/pause:3.10" }],
                },
            };
            created[name] = Stopwatch.GetTimestamp();
            await store.CreateAsync(pod);
        }
        var createdAll = Stopwatch.GetTimestamp();

        using var run = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await allRunning.Task.WaitAsync(run.Token);
        var end = running.Values.Max();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        var latencies = running.Select(kv => Stopwatch.GetElapsedTime(created[kv.Key], kv.Value).TotalMilliseconds).Order().ToArray();
        var elapsed = Stopwatch.GetElapsedTime(start, end);
        var result = new Dictionary<string, object>
        {
            ["scenario"] = "kubelet",
            ["pods"] = pods,
            ["nodes"] = nodeCount,
            ["pods_running_per_s"] = Math.Round(pods / elapsed.TotalSeconds, 1),
            ["p50_pod_startup_ms"] = Math.Round(Percentile(latencies, 0.50), 1),
            ["p99_pod_startup_ms"] = Math.Round(Percentile(latencies, 0.99), 1),
            ["max_pod_startup_ms"] = Math.Round(latencies[^1], 1),
            ["create_ms"] = Math.Round(Stopwatch.GetElapsedTime(start, createdAll).TotalMilliseconds, 1),
            ["elapsed_ms"] = Math.Round(elapsed.TotalMilliseconds, 1),
            ["cpu_ms"] = Math.Round(cpu.TotalMilliseconds, 1),
            ["cores"] = Environment.ProcessorCount,
        };
        await host.StopAsync(CancellationToken.None);
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : fallback;
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
