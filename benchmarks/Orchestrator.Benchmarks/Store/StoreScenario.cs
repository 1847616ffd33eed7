using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Benchmarks.Store;

/// <summary>
/// Scenario <c>store</c>: throughput and latency of <see cref="InMemoryObjectStore"/> with 100,000 realistic pods.
/// Progress goes to stderr; stdout ends with one JSON line:
/// <list type="bullet">
/// <item><c>bytes_per_pod</c>: managed memory retained per stored pod (pod, store, indexes and history), for pods built as
/// this process's controllers build them (see <see cref="RealisticPods"/>); <c>pod_object_bytes</c> is the pods alone,
/// <c>store_overhead_bytes_per_pod</c> the difference, <c>bytes_per_pod_unshared</c> the figure for pods with nothing
/// shared (20,000 of them). Target ≤ 4096.</item>
/// <item><c>creates_per_s</c>, <c>updates_per_s</c> (annotation change with the resourceVersion precondition),
/// <c>unconditional_updates_per_s</c> (without it), <c>gets_per_s</c>: one writer or reader thread per core. Target updates ≥ 300,000/s.</item>
/// <item>Each <c>*_per_s</c> throughput has a <c>*_per_cpu_s</c> twin: operations per CPU-second the process used (GC
/// included), which stays meaningful on a machine shared with other work; <c>load_avg_1m_*</c> tells how shared it was.</item>
/// <item><c>list_10k_by_label_ms</c>: median time to list the 10,000 of 100,000 pods labelled <c>app=app-3</c>. Target ≤ 5 ms.</item>
/// <item><c>updates_per_s_with_100_watchers</c>: updates per second until 100 watchers have received every one. Target ≥ 100,000/s.</item>
/// <item><c>watch_p99_us_100_watchers</c>: 99th percentile from the start of an update call to its delivery, over 100
/// watchers, at about 10,000 updates/s. Target ≤ 2,000 µs.</item>
/// <item><c>baseline_dict_updates_per_s</c>: the same updates stored into a plain <see cref="ConcurrentDictionary{TKey, TValue}"/>.</item>
/// </list>
/// Options: <c>--pods N</c> (default 100000), <c>--updates N</c> (default 1000000).
/// </summary>
internal static class StoreScenario
{
    private const string Annotation = "bench.orchestrator.io/seq";

    public static Task<int> RunAsync(string[] args)
    {
        var pods = Option(args, "--pods", 100_000);
        var updates = Option(args, "--updates", 1_000_000);
        var threads = Environment.ProcessorCount;
        var results = new Dictionary<string, object>
        {
            ["scenario"] = "store",
            ["pods"] = pods,
            ["threads"] = threads,
        };
        var total = Stopwatch.StartNew();

        results["load_avg_1m_start"] = LoadAverage();

        // Memory and creates: a fresh store, inputs built before the clock starts.
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var inputs = Enumerable.Range(0, pods).Select(RealisticPods.Create).ToArray();
        var podBytes = (GC.GetTotalMemory(forceFullCollection: true) - before) / pods;
        // Default history (100,000 changes per kind); watchers may lag as far as the history reaches.
        var store = new InMemoryObjectStore(TimeProvider.System, new InMemoryObjectStoreOptions { WatchBufferSize = 100_000 });
        CreateNamespaces(store);
        var stored = new Pod[pods];
        var elapsed = RunThreads(threads, pods, i => stored[i] = Sync(store.CreateAsync<Pod>(inputs[i])));
        Record(results, "creates_per_s", pods, elapsed, _lastCpu);
        inputs = null;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(inputs);
        var bytesPerPod = (after - before) / pods;
        results["bytes_per_pod"] = bytesPerPod;
        results["pod_object_bytes"] = podBytes;
        results["store_overhead_bytes_per_pod"] = bytesPerPod - podBytes;
        results["bytes_per_pod_unshared"] = UnsharedBytesPerPod(20_000);
        Log($"created {pods} pods in {elapsed.TotalMilliseconds:F0} ms; {bytesPerPod} B per stored pod ({podBytes} B the pod itself); " +
            $"{results["bytes_per_pod_unshared"]} B with nothing shared");

        // Updates: each thread owns a slice of the pods and writes annotation changes round-robin over it.
        var current = (Pod[])stored.Clone();
        elapsed = RunThreads(threads, updates, i =>
        {
            var slot = Slot(i, threads, pods);
            current[slot] = Sync(store.UpdateAsync<Pod>(Touch(current[slot], i, keepVersion: true)));
        });
        Log($"updates: {Record(results, "updates_per_s", updates, elapsed, _lastCpu):N0}/s");

        elapsed = RunThreads(threads, updates, i =>
        {
            var slot = Slot(i, threads, pods);
            current[slot] = Sync(store.UpdateAsync<Pod>(Touch(current[slot], i, keepVersion: false)));
        });
        Log($"unconditional updates: {Record(results, "unconditional_updates_per_s", updates, elapsed, _lastCpu):N0}/s");

        var baseline = new ConcurrentDictionary<ObjectKey, Pod>();
        foreach (var pod in current) baseline[ObjectKey.Of(pod)] = pod;
        var baselineCurrent = (Pod[])current.Clone();
        elapsed = RunThreads(threads, updates, i =>
        {
            var slot = Slot(i, threads, pods);
            var next = Touch(baselineCurrent[slot], i, keepVersion: true);
            baseline[ObjectKey.Of(next)] = next;
            baselineCurrent[slot] = next;
        });
        Log($"baseline dictionary updates: {Record(results, "baseline_dict_updates_per_s", updates, elapsed, _lastCpu):N0}/s");

        var kind = ApiResources.For<Pod>();
        var keys = current.Select(ObjectKey.Of).ToArray();
        GC.Collect();
        var gets = updates * 5;
        elapsed = RunThreads(threads, gets, i =>
        {
            var key = keys[(int)((uint)(i * 7919) % (uint)keys.Length)];
            if (store.GetAsync(kind, key.Namespace, key.Name).Result is null) throw new InvalidOperationException("missing pod");
        });
        Log($"gets: {Record(results, "gets_per_s", gets, elapsed, _lastCpu):N0}/s");

        // Lists are timed after warming up (so the JIT has optimized the list path) on a settled heap, so that
        // collections left over from the write phases do not count.
        for (var i = 0; i < 60; i++) Sync(store.ListAsync(kind, new ListOptions { LabelSelector = $"app={RealisticPods.App(i * RealisticPods.Namespaces)}" }));
        GC.Collect();
        var listTimes = new List<double>();
        var listCpu = new List<double>();
        var listed = 0;
        for (var i = 0; i < 30; i++)
        {
            var cpu = ThreadCpu.Now();
            var start = Stopwatch.GetTimestamp();
            var list = Sync(store.ListAsync(kind, new ListOptions { LabelSelector = "app=app-3" }));
            listTimes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            listCpu.Add((ThreadCpu.Now() - cpu).TotalMilliseconds);
            listed = list.Items.Count;
        }
        results["list_10k_by_label_ms"] = Math.Round(Median(listTimes), 3);
        results["list_10k_by_label_thread_cpu_ms"] = Math.Round(Median(listCpu), 3);
        results["list_10k_by_label_items"] = listed;
        var nodeList = Stopwatch.GetTimestamp();
        var onNode = Sync(store.ListAsync(kind, new ListOptions { FieldSelector = $"spec.nodeName={RealisticPods.NodeName(7)}" }));
        results["list_by_node_ms"] = Math.Round(Stopwatch.GetElapsedTime(nodeList).TotalMilliseconds, 3);
        var fullList = Stopwatch.GetTimestamp();
        var all = Sync(store.ListAsync(kind));
        results["list_all_ms"] = Math.Round(Stopwatch.GetElapsedTime(fullList).TotalMilliseconds, 3);
        Log($"list app=app-3: {listed} pods, median {Median(listTimes):F2} ms; by node: {onNode.Items.Count}; all: {all.Items.Count}");

        WatchThroughput(store, current, threads, results);
        WatchLatency(store, current, results);

        results["elapsed_s"] = Math.Round(total.Elapsed.TotalSeconds, 1);
        results["load_avg_1m_end"] = LoadAverage();
        store.Dispose();
        Console.WriteLine(JsonSerializer.Serialize(results));
        return Task.FromResult(0);
    }

    /// <summary>Memory per stored pod when every part of every pod is a separate object (as if each were read from JSON).</summary>
    private static long UnsharedBytesPerPod(int count)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var store = new InMemoryObjectStore(TimeProvider.System);
        CreateNamespaces(store);
        for (var i = 0; i < count; i++) Sync(store.CreateAsync<Pod>(RealisticPods.CreateUnshared(i)));
        var bytes = (GC.GetTotalMemory(forceFullCollection: true) - before) / count;
        GC.KeepAlive(store);
        return bytes;
    }

    private static void CreateNamespaces(InMemoryObjectStore store)
    {
        for (var n = 0; n < RealisticPods.Namespaces; n++)
        {
            Sync(store.CreateAsync<Namespace>(new Namespace { Metadata = new ObjectMeta { Name = $"team-{n}" } }));
        }
    }

    /// <summary>The 1-minute load average, to judge figures taken on a shared machine; -1 where unavailable.</summary>
    private static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>Updates with 100 watchers attached, measured until every watcher has received every update.</summary>
    private static void WatchThroughput(InMemoryObjectStore store, Pod[] current, int threads, Dictionary<string, object> results)
    {
        const int watchers = 100;
        var updates = 300_000;
        var kind = ApiResources.For<Pod>();
        var from = new WatchOptions { ResourceVersion = store.CurrentResourceVersion.ToString(CultureInfo.InvariantCulture) };
        var counters = Enumerable.Range(0, watchers).Select(_ => new CountingObserver(updates)).ToArray();
        var subscriptions = counters.Select(c => store.Watch(kind, from).Subscribe(c)).ToArray();

        var cpu = ProcessCpu();
        var start = Stopwatch.GetTimestamp();
        var writeTime = RunThreads(threads, updates, i =>
        {
            var slot = Slot(i, threads, current.Length);
            current[slot] = Sync(store.UpdateAsync<Pod>(Touch(current[slot], i, keepVersion: true)));
        });
        var allDelivered = Task.WhenAll(counters.Select(c => c.Done)).Wait(TimeSpan.FromSeconds(60));
        var elapsed = Stopwatch.GetElapsedTime(start);
        var used = ProcessCpu() - cpu;
        foreach (var subscription in subscriptions) subscription.Dispose();

        var failed = counters.Count(c => c.Error is not null);
        Record(results, "updates_per_s_with_100_watchers", allDelivered ? updates : 0, elapsed, used);
        results["write_rate_with_100_watchers"] = Rate(updates, writeTime);
        results["watchers_failed"] = failed;
        Log($"100 watchers: {Rate(updates, elapsed):N0} updates/s delivered to all (writes alone {Rate(updates, writeTime):N0}/s), " +
            $"all delivered: {allDelivered}, failed: {failed}");
    }

    /// <summary>Delivery latency to 100 watchers while one writer updates at about 10,000/s in 1 ms bursts.</summary>
    private static void WatchLatency(InMemoryObjectStore store, Pod[] current, Dictionary<string, object> results)
    {
        const int watchers = 100, perBurst = 10;
        var updates = 30_000;
        var kind = ApiResources.For<Pod>();
        var baseRv = store.CurrentResourceVersion;
        var from = new WatchOptions { ResourceVersion = baseRv.ToString(CultureInfo.InvariantCulture) };
        var sentAt = new long[updates];
        var observers = Enumerable.Range(0, watchers).Select(_ => new LatencyObserver(baseRv, sentAt, updates)).ToArray();
        var subscriptions = observers.Select(o => store.Watch(kind, from).Subscribe(o)).ToArray();

        var writer = new Thread(() =>
        {
            for (var i = 0; i < updates; i++)
            {
                var slot = i % current.Length;
                var next = Touch(current[slot], i, keepVersion: true);
                sentAt[i] = Stopwatch.GetTimestamp();
                current[slot] = Sync(store.UpdateAsync<Pod>(next));
                if (i % perBurst == perBurst - 1) Thread.Sleep(1);
            }
        });
        var start = Stopwatch.GetTimestamp();
        writer.Start();
        writer.Join();
        var writeTime = Stopwatch.GetElapsedTime(start);
        var allDelivered = Task.WhenAll(observers.Select(o => o.Done)).Wait(TimeSpan.FromSeconds(60));
        foreach (var subscription in subscriptions) subscription.Dispose();

        var samples = observers.SelectMany(o => o.Latencies).ToArray();
        Array.Sort(samples);
        double Percentile(double p) => samples.Length == 0 ? double.NaN : samples[(int)Math.Min(samples.Length - 1, p * samples.Length)] * 1e6 / Stopwatch.Frequency;
        results["watch_p50_us_100_watchers"] = Math.Round(Percentile(0.50), 1);
        results["watch_p99_us_100_watchers"] = allDelivered ? Math.Round(Percentile(0.99), 1) : -1;
        results["watch_max_us_100_watchers"] = Math.Round(Percentile(1.0), 1);
        results["watch_latency_rate_per_s"] = Rate(updates, writeTime);
        Log($"latency at {Rate(updates, writeTime):N0} updates/s: p50 {Percentile(0.5):F0} µs, p99 {Percentile(0.99):F0} µs, max {Percentile(1.0):F0} µs, " +
            $"{samples.Length} samples, all delivered: {allDelivered}");
    }

    /// <summary>The pod with its sequence annotation set to <paramref name="i"/>, as a controller would change it.</summary>
    private static Pod Touch(Pod pod, int i, bool keepVersion)
    {
        var annotations = (ImmutableDictionary<string, string>)pod.Metadata.Annotations;
        return pod with
        {
            Metadata = pod.Metadata with
            {
                Annotations = annotations.SetItem(Annotation, i.ToString(CultureInfo.InvariantCulture)),
                ResourceVersion = keepVersion ? pod.Metadata.ResourceVersion : null,
            },
        };
    }

    /// <summary>Thread t of n handles items t, t+n, t+2n, ...; maps item i to a pod of that thread's slice.</summary>
    private static int Slot(int i, int threads, int pods)
    {
        var perThread = pods / threads;
        var thread = i % threads;
        return thread * perThread + i / threads % perThread;
    }

    /// <summary>Process CPU time (all threads, GC included) of the last <see cref="RunThreads"/>.</summary>
    private static TimeSpan _lastCpu;

    private static TimeSpan ProcessCpu() => Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>Records <paramref name="name"/> (operations per second) and <c>name</c> per CPU-second of the process.</summary>
    private static long Record(Dictionary<string, object> results, string name, int count, TimeSpan elapsed, TimeSpan cpu)
    {
        var rate = Rate(count, elapsed);
        results[name] = rate;
        results[name.Replace("_per_s", "_per_cpu_s", StringComparison.Ordinal)] = Rate(count, cpu);
        return rate;
    }

    private static TimeSpan RunThreads(int threads, int count, Action<int> work)
    {
        using var ready = new Barrier(threads + 1);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            ready.SignalAndWait();
            for (var i = t; i < count; i += threads) work(i);
        })).ToArray();
        foreach (var worker in workers) worker.Start();
        var cpu = ProcessCpu();
        ready.SignalAndWait();
        var start = Stopwatch.GetTimestamp();
        foreach (var worker in workers) worker.Join();
        var elapsed = Stopwatch.GetElapsedTime(start);
        _lastCpu = ProcessCpu() - cpu;
        return elapsed;
    }

    private static T Sync<T>(ValueTask<T> task) => task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult();

    private static long Rate(int count, TimeSpan elapsed) => (long)(count / elapsed.TotalSeconds);

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static void Log(string message) => Console.Error.WriteLine($"[store] {message}");

    private sealed class CountingObserver(int expected) : IObserver<WatchEvent<KubernetesObject>>
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        public Task Done => _done.Task;

        public Exception? Error { get; private set; }

        public void OnNext(WatchEvent<KubernetesObject> value)
        {
            if (++_count == expected) _done.TrySetResult();
        }

        public void OnError(Exception error)
        {
            Error = error;
            _done.TrySetResult();
        }

        public void OnCompleted() => _done.TrySetResult();
    }

    private sealed class LatencyObserver(long baseRv, long[] sentAt, int expected) : IObserver<WatchEvent<KubernetesObject>>
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly long[] _latencies = new long[expected];
        private int _count;

        public Task Done => _done.Task;

        public IEnumerable<long> Latencies => _latencies.Take(_count);

        public void OnNext(WatchEvent<KubernetesObject> value)
        {
            var now = Stopwatch.GetTimestamp();
            var index = long.Parse(value.ResourceVersion, CultureInfo.InvariantCulture) - baseRv - 1;
            _latencies[_count] = now - Volatile.Read(ref sentAt[index]);
            if (++_count == expected) _done.TrySetResult();
        }

        public void OnError(Exception error) => _done.TrySetResult();

        public void OnCompleted() => _done.TrySetResult();
    }

    /// <summary>CPU time of the calling thread (Linux); zero elsewhere.</summary>
    private static class ThreadCpu
    {
        private const int ClockThreadCpuTime = 3;

        public static TimeSpan Now()
        {
            if (!OperatingSystem.IsLinux() || clock_gettime(ClockThreadCpuTime, out var time) != 0) return TimeSpan.Zero;
            return TimeSpan.FromTicks(time.Seconds * TimeSpan.TicksPerSecond + time.Nanoseconds / 100);
        }

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = false)]
        private static extern int clock_gettime(int clock, out TimeSpec time);

        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }
    }
}
