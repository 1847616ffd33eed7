using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Networking;
using Orchestrator.NodeAgent;
using Orchestrator.Runtime.Simulated;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;

namespace Orchestrator.Tests.NodeAgent;

/// <summary>
/// An in-memory cluster for node agent tests: store, informers, event recorder, simulated nodes and a node agent host,
/// all on one fake clock. Waits are driven by a store watch (no sleeping) and bounded by <see cref="Timeout"/>.
/// </summary>
internal sealed class NodeAgentTestCluster : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, Pod> _pods = new();
    private readonly ConcurrentDictionary<string, Pod> _deleted = new();
    private readonly IDisposable _watch;
    private readonly EventBroadcaster _events;
    private readonly SharedInformerFactory _informers;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeAgentTestCluster(
        FakeTimeProvider time, TrackingTimeProvider clock, InMemoryObjectStore store, SimulatedNodes nodes, InProcessNetworkProvider network, NodeAgentOptions options)
    {
        Time = time;
        Clock = clock;
        Store = store;
        Nodes = nodes;
        Network = network;
        Options = options;
        _events = new EventBroadcaster(store, clock, NullLogger.Instance);
        _informers = new SharedInformerFactory(store, clock);
        _watch = store.Watch(ApiResources.For<Pod>()).Subscribe(new Observer(this));
        Host = NewHost();
    }

    public FakeTimeProvider Time { get; }

    /// <summary>The clock the components use: <see cref="Time"/>, with its timers tracked.</summary>
    public TrackingTimeProvider Clock { get; }

    public InMemoryObjectStore Store { get; }

    public SimulatedNodes Nodes { get; }

    public InProcessNetworkProvider Network { get; }

    public NodeAgentOptions Options { get; }

    public NodeAgentHost Host { get; private set; }

    /// <summary>The runtime of <c>node-1</c>.</summary>
    public SimulatedContainerRuntime Runtime => Nodes[0].Runtime;

    public static async Task<NodeAgentTestCluster> StartAsync(
        int nodes = 1, NodeAgentOptions? options = null, Action<SimulatedNodeOptions>? configure = null)
    {
        var time = new FakeTimeProvider();
        var clock = new TrackingTimeProvider(time);
        var store = new InMemoryObjectStore(clock);
        var nodeOptions = new SimulatedNodeOptions();
        nodeOptions.PreloadedImages.Add("busybox:1.36");
        configure?.Invoke(nodeOptions);
        var network = new InProcessNetworkProvider("10.244.0.0/16");
        var simulated = SimulatedNodes.Create(nodes, nodeOptions, clock, network);
        var cluster = new NodeAgentTestCluster(time, clock, store, simulated, network, options ?? new NodeAgentOptions { PodWorkers = 8, ProbeWorkers = 4 });
        await cluster.StartHostAsync();
        return cluster;
    }

    /// <summary>Stops the node agents (leaving containers running) and starts a fresh host on the same runtimes.</summary>
    public async Task RestartHostAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await Host.StopAsync(cts.Token);
        Host.Dispose();
        Host = NewHost();
        await StartHostAsync();
    }

    public static Pod NewPod(string name, params Container[] containers) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new PodSpec
        {
            NodeName = "node-1",
            Containers = containers.Length > 0 ? containers : [new Container { Name = "app", Image = "busybox:1.36" }],
        },
    };

    public static Container NewContainer(string name = "app", string image = "busybox:1.36") => new() { Name = name, Image = image };

    public async Task<Pod> CreateAsync(Pod pod) => (Pod)await Store.CreateAsync(pod);

    public async Task<T> CreateObjectAsync<T>(T obj) where T : KubernetesObject => (T)await Store.CreateAsync(obj);

    public Pod? Get(string name) => _pods.GetValueOrDefault(name);

    /// <summary>Waits until the pod named <paramref name="name"/> satisfies <paramref name="condition"/>; fails the test on timeout.</summary>
    public async Task<Pod> WaitForPodAsync(string name, Func<Pod, bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var changed = _changed.Task;
            if (_pods.TryGetValue(name, out var pod) && condition(pod)) return pod;
            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting for pod {name} to be {what}; last status: {Describe(Get(name))}");
            }
        }
    }

    /// <summary>Waits until the pod named <paramref name="name"/> has been removed from the store.</summary>
    public async Task WaitForPodDeletedAsync(string name)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var changed = _changed.Task;
            if (!_pods.ContainsKey(name) && _deleted.ContainsKey(name)) return;
            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting for pod {name} to be removed; last status: {Describe(Get(name))}");
            }
        }
    }

    /// <summary>Waits (polling the runtime, bounded) until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting until {what}");
            await Task.Yield();
            await Task.Delay(2);
        }
    }

    /// <summary>
    /// Moves the clock at once. Use it while a sync is blocked on the clock (a start delay, a stop grace period, a hook);
    /// otherwise use <see cref="AdvanceAsync"/>.
    /// </summary>
    public void Advance(TimeSpan delta) => Time.Advance(delta);

    /// <summary>
    /// Waits for the syncs and probes in flight to finish (so they have scheduled their next run on the clock), then
    /// moves the clock.
    /// </summary>
    public async Task AdvanceAsync(TimeSpan delta)
    {
        await SettleAsync();
        Time.Advance(delta);
    }

    /// <summary>Waits until something waits on the clock for <paramref name="delay"/> from now (a delay, grace period or hook).</summary>
    public Task WaitForTimerAsync(TimeSpan delay)
    {
        var dueAt = Time.GetUtcNow() + delay;
        return WaitUntilAsync(() => Clock.HasTimerDueAt(dueAt), $"a timer due at {dueAt:HH:mm:ss.fff}");
    }

    /// <summary>Waits until no pod sync or probe attempt is in flight.</summary>
    public Task SettleAsync() => WaitUntilAsync(() => Host.InFlight == 0, "the node agents are idle");

    /// <summary>Waits until node-1's runtime has answered at least <paramref name="count"/> probe attempts, and they were processed.</summary>
    public async Task WaitForProbeAttemptsAsync(long count)
    {
        await WaitUntilAsync(() => Runtime.ProbeAttempts >= count, $"{count} probe attempts (have {Runtime.ProbeAttempts})");
        await SettleAsync();
    }

    /// <summary>The id of the newest instance of a container of a pod on node-1.</summary>
    public string ContainerId(string pod, string container = "app") =>
        Runtime.FindContainer("default", pod, container)?.Id ?? throw new AssertionException($"no container {container} in pod {pod}");

    public async Task<IReadOnlyList<Event>> EventsAsync(string podName)
    {
        var list = await Store.ListAsync(ApiResources.For<Event>());
        return [.. list.Items.Cast<Event>().Where(e => e.InvolvedObject.Name == podName)];
    }

    public async Task WaitForEventAsync(string podName, string reason)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!(await EventsAsync(podName)).Any(e => e.Reason == reason))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for event {reason} on {podName}");
            await Task.Delay(2);
        }
    }

    public static ContainerStatus App(Pod pod, string name = "app") =>
        pod.Status?.ContainerStatuses.FirstOrDefault(s => s.Name == name) ?? new ContainerStatus { Name = name };

    public static ContainerStatus Init(Pod pod, string name) =>
        pod.Status?.InitContainerStatuses.FirstOrDefault(s => s.Name == name) ?? new ContainerStatus { Name = name };

    public static string? Waiting(Pod pod, string name = "app") => App(pod, name).State.Waiting?.Reason;

    public static string Describe(Pod? pod)
    {
        if (pod is null) return "<none>";
        var status = pod.Status;
        if (status is null) return "<no status>";
        string Container(ContainerStatus s) =>
            $"{s.Name}:{(s.State.Running is not null ? "running" : s.State.Terminated is { } t ? $"terminated({t.ExitCode},{t.Reason})" : $"waiting({s.State.Waiting?.Reason}: {s.State.Waiting?.Message})")} ready={s.Ready} restarts={s.RestartCount}";
        return $"phase={status.Phase} reason={status.Reason} conditions=[{string.Join(", ", status.Conditions.Select(c => $"{c.Type}={c.Status}"))}] " +
            $"init=[{string.Join("; ", status.InitContainerStatuses.Select(Container))}] containers=[{string.Join("; ", status.ContainerStatuses.Select(Container))}]";
    }

    public static IReadOnlyDictionary<string, string> Annotations(params (string Key, string Value)[] pairs) =>
        pairs.ToImmutableDictionary(p => p.Key, p => p.Value);

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await Host.StopAsync(cts.Token);
        Host.Dispose();
        _watch.Dispose();
        await _informers.DisposeAsync();
        await _events.DisposeAsync();
        Store.Dispose();
    }

    private NodeAgentHost NewHost() =>
        new(Store, _informers, Nodes.Registrations, Options, _events, Network, Clock, NullLoggerFactory.Instance);

    private async Task StartHostAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await Host.StartAsync(cts.Token);
        await Host.Ready.WaitAsync(cts.Token);
    }

    private void Changed()
    {
        var previous = Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }

    private sealed class Observer(NodeAgentTestCluster owner) : IObserver<WatchEvent<KubernetesObject>>
    {
        public void OnNext(WatchEvent<KubernetesObject> value)
        {
            if (value.Object is not Pod pod || pod.Metadata.Name is not { } name) return;
            if (value.Type == WatchEventType.Deleted)
            {
                owner._pods.TryRemove(name, out _);
                owner._deleted[name] = pod;
            }
            else if (value.Type != WatchEventType.Bookmark)
            {
                owner._pods[name] = pod;
            }
            owner.Changed();
        }

        public void OnError(Exception error) => owner.Changed();

        public void OnCompleted() => owner.Changed();
    }
}
