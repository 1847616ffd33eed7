using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Scheduling;
using Orchestrator.Store;

namespace Orchestrator.Benchmarks.Scheduling;

/// <summary>
/// Scenario <c>scheduler</c>, after kube-scheduler's scheduler_perf tests, with the scheduler running in-process against
/// the in-memory store (nodes are plain Ready Node objects; no node agents):
/// <list type="bullet">
/// <item><b>basic</b> (SchedulingBasic): 5,000 nodes of 4 CPU / 32Gi / 110 pods, 1,000 initial pods scheduled first,
/// then 10,000 pods requesting 100m CPU and 500Mi, measured from the first create to the last observed binding.</item>
/// <item><b>anti-affinity</b> (SchedulingPodAntiAffinity): 5,000 nodes, 1,000 initial pods, then 2,000 measured pods; every
/// pod carries <c>color=green</c> and a required anti-affinity against <c>color=green</c> with topology key
/// <c>kubernetes.io/hostname</c>, so no two share a node.</item>
/// </list>
/// Prints one JSON line with <c>basic_pods_per_s</c>, <c>antiaffinity_pods_per_s</c> and <c>p99_schedule_latency_ms</c>
/// (the 99th percentile of one scheduling attempt, from taking the pod off the queue to choosing its node, over both
/// cases: Kubernetes' <c>scheduler_scheduling_attempt_duration_seconds</c>), plus per case the create-to-bound p99 and the
/// process CPU time per measured pod (all threads: store, informers, scheduler, bindings, events), which shows the cost
/// independently of how much CPU the machine grants the process.
/// Targets on a 2-core machine: ≥ 3,000 pods/s basic, ≥ 1,000 pods/s anti-affinity.
/// Options: <c>--nodes N</c>, <c>--init-pods N</c>, <c>--pods N</c>, <c>--antiaffinity-pods N</c>.
/// </summary>
internal static class SchedulerScenario
{
    private const string AttemptDuration = "orchestrator.scheduler.attempt.duration";

    public static async Task<int> RunAsync(string[] args)
    {
        var nodes = Option(args, "--nodes", 5000);
        var initPods = Option(args, "--init-pods", 1000);
        var pods = Option(args, "--pods", 10000);
        var antiAffinityPods = Option(args, "--antiaffinity-pods", 2000);

        var basic = await RunCaseAsync(nodes, initPods, pods, antiAffinity: false);
        var antiAffinity = await RunCaseAsync(nodes, initPods, antiAffinityPods, antiAffinity: true);

        var attempts = basic.AttemptMs.Concat(antiAffinity.AttemptMs).Order().ToArray();
        var result = new Dictionary<string, object>
        {
            ["scenario"] = "scheduler",
            ["nodes"] = nodes,
            ["basic_pods"] = pods,
            ["antiaffinity_pods"] = antiAffinityPods,
            ["basic_pods_per_s"] = Math.Round(basic.PodsPerSecond, 1),
            ["antiaffinity_pods_per_s"] = Math.Round(antiAffinity.PodsPerSecond, 1),
            ["p99_schedule_latency_ms"] = Math.Round(Percentile(attempts, 0.99), 3),
            ["basic_p99_create_to_bound_ms"] = Math.Round(Percentile(basic.CreateToBoundMs, 0.99), 1),
            ["antiaffinity_p99_create_to_bound_ms"] = Math.Round(Percentile(antiAffinity.CreateToBoundMs, 0.99), 1),
            ["basic_cpu_us_per_pod"] = Math.Round(basic.CpuMicrosPerPod),
            ["antiaffinity_cpu_us_per_pod"] = Math.Round(antiAffinity.CpuMicrosPerPod),
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        var ok = basic.PodsPerSecond >= 3000 && antiAffinity.PodsPerSecond >= 1000;
        return ok ? 0 : 1;
    }

    private static async Task<CaseResult> RunCaseAsync(int nodeCount, int initPods, int measuredPods, bool antiAffinity)
    {
        var time = TimeProvider.System;
        using var store = new InMemoryObjectStore(time);
        using var setup = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        for (var i = 0; i < nodeCount; i++) await store.CreateAsync(MakeNode($"node-{i}"), setup.Token);

        var attemptMs = new ConcurrentQueue<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SchedulerMetrics.MeterName && instrument.Name == AttemptDuration) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, _, _) => attemptMs.Enqueue(seconds * 1000));
        listener.Start();

        await using var informers = new SharedInformerFactory(store, time);
        await using var events = new EventBroadcaster(store, time, NullLogger.Instance);
        using var metrics = new SchedulerMetrics();
        var options = new SchedulerOptions();
        using var scheduler = new Scheduler(
            informers, new StorePodBinder(store, time), events, options, SchedulerServiceCollectionExtensions.BuiltInPlugins(),
            metrics, time, NullLogger<Scheduler>.Instance);
        await scheduler.StartAsync(setup.Token);
        await informers.WaitForCacheSyncAsync(setup.Token);

        // As in scheduler_perf, the initial pods go through the scheduler too: this also warms up the process (JIT
        // tiering), so that the measured phase shows the steady state.
        for (var i = 0; i < initPods; i++) await store.CreateAsync(MakePod($"init-{i}", antiAffinity, nodeName: null), setup.Token);
        while (scheduler.Cache.PodCount < initPods || informers.GetLister<Pod>().List().Any(p => p.Spec.NodeName is null))
        {
            await Task.Delay(50, setup.Token);
        }
        await Task.Delay(TimeSpan.FromSeconds(1), setup.Token);
        attemptMs.Clear();
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

        var created = new long[measuredPods];
        var bound = new long[measuredPods];
        var boundCount = 0;
        var allBound = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options2 = new WatchOptions { ResourceVersion = store.CurrentResourceVersion.ToString(CultureInfo.InvariantCulture) };
        using var watch = store.Watch(ApiResources.For<Pod>(), options2).Subscribe(new Observer(e =>
        {
            if (e.Type != WatchEventType.Modified || e.Object is not Pod { Spec.NodeName: not null } pod) return;
            var name = pod.Metadata.Name!;
            if (!name.StartsWith("pod-", StringComparison.Ordinal)) return;
            var index = int.Parse(name.AsSpan(4), CultureInfo.InvariantCulture);
            if (Interlocked.CompareExchange(ref bound[index], Stopwatch.GetTimestamp(), 0) == 0 &&
                Interlocked.Increment(ref boundCount) == measuredPods)
            {
                allBound.TrySetResult();
            }
        }));

        using var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < measuredPods; i++)
        {
            created[i] = Stopwatch.GetTimestamp();
            await store.CreateAsync(MakePod($"pod-{i}", antiAffinity, nodeName: null), setup.Token);
        }
        using var run = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await allBound.Task.WaitAsync(run.Token);
        var end = bound.Max();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuStart;
        await scheduler.StopAsync(CancellationToken.None);

        var elapsed = Stopwatch.GetElapsedTime(start, end);
        var createToBound = created.Select((c, i) => Stopwatch.GetElapsedTime(c, bound[i]).TotalMilliseconds).Order().ToArray();
        Console.Error.WriteLine(
            $"scheduler {(antiAffinity ? "anti-affinity" : "basic")}: {measuredPods} pods on {nodeCount} nodes in {elapsed.TotalSeconds:F2} s " +
            $"({measuredPods / elapsed.TotalSeconds:F0} pods/s), attempt p50 {Percentile([.. attemptMs.Order()], 0.5):F3} ms, " +
            $"process CPU {cpu.TotalMicroseconds / measuredPods:F0} us per pod ({cpu / elapsed:P0} of one core), " +
            $"GCs {GC.CollectionCount(0) - gcBefore.Item1}/{GC.CollectionCount(1) - gcBefore.Item2}/{GC.CollectionCount(2) - gcBefore.Item3}");
        return new CaseResult(measuredPods / elapsed.TotalSeconds, [.. attemptMs], createToBound, cpu.TotalMicroseconds / measuredPods);
    }

    private static Node MakeNode(string name)
    {
        var resources = ImmutableDictionary<string, Quantity>.Empty
            .Add(ResourceName.Cpu, Quantity.FromUnits(4))
            .Add(ResourceName.Memory, Quantity.FromBytes(32L * 1024 * 1024 * 1024))
            .Add(ResourceName.Pods, Quantity.FromUnits(110));
        return new Node
        {
            Metadata = new ObjectMeta { Name = name, Labels = ImmutableDictionary<string, string>.Empty.Add(WellKnownLabels.Hostname, name) },
            Status = new NodeStatus
            {
                Capacity = resources,
                Allocatable = resources,
                Conditions = [new NodeCondition { Type = NodeConditionType.Ready, Status = ConditionStatus.True }],
            },
        };
    }

    private static readonly IReadOnlyDictionary<string, Quantity> Requests = ImmutableDictionary<string, Quantity>.Empty
        .Add(ResourceName.Cpu, Quantity.FromMilli(100))
        .Add(ResourceName.Memory, Quantity.FromBytes(500L * 1024 * 1024));

    private static readonly Affinity GreenAntiAffinity = new()
    {
        PodAntiAffinity = new PodAntiAffinity
        {
            RequiredDuringSchedulingIgnoredDuringExecution =
            [
                new PodAffinityTerm
                {
                    TopologyKey = WellKnownLabels.Hostname,
                    LabelSelector = new LabelSelector { MatchLabels = ImmutableDictionary<string, string>.Empty.Add("color", "green") },
                },
            ],
        },
    };

    private static Pod MakePod(string name, bool antiAffinity, string? nodeName) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = "default",
            Labels = antiAffinity
                ? ImmutableDictionary<string, string>.Empty.Add("color", "green").Add("name", "test")
                : ImmutableDictionary<string, string>.Empty.Add("app", "bench"),
        },
        Spec = new PodSpec
        {
            NodeName = nodeName,
            Affinity = antiAffinity ? GreenAntiAffinity : null,
            Containers =
            [
                new Container
                {
                    Name = "pause",
                    Image = "registry.k8s.io/pause:3.10",
                    Resources = new ResourceRequirements { Requests = Requests, Limits = Requests },
                },
            ],
        },
    };

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record CaseResult(double PodsPerSecond, double[] AttemptMs, double[] CreateToBoundMs, double CpuMicrosPerPod);

    private sealed class Observer(Action<WatchEvent<KubernetesObject>> onNext) : IObserver<WatchEvent<KubernetesObject>>
    {
        public void OnNext(WatchEvent<KubernetesObject> value) => onNext(value);

        public void OnError(Exception error) => Console.Error.WriteLine($"watch failed: {error.Message}");

        public void OnCompleted()
        {
        }
    }
}
