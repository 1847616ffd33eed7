using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Docker.Hosting;
using Orchestrator.Docker.Tests.Runtime;
using Orchestrator.NodeAgent;
using Orchestrator.Store;

namespace Orchestrator.Docker.Tests.Pods;

/// <summary>
/// An in-memory cluster whose node agents run pods on the real Docker engine: store, informers, events, Docker nodes
/// under a cluster id unique to the test, and a node agent host on the system clock (real containers run on wall
/// time). Waits follow a store watch and are bounded; disposal stops the agents and removes every container, network
/// and directory of the cluster id.
/// </summary>
internal sealed class DockerPodCluster : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, Pod> _pods = new();
    private readonly ConcurrentDictionary<string, Pod> _deleted = new();
    private readonly Func<DockerRuntimeOptions> _options;
    private readonly IDisposable _watch;
    private readonly EventBroadcaster _events;
    private readonly SharedInformerFactory _informers;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DockerPodCluster(string clusterId, string dataDirectory, Func<DockerRuntimeOptions> options, NodeAgentOptions agentOptions)
    {
        ClusterId = clusterId;
        DataDirectory = dataDirectory;
        _options = options;
        AgentOptions = agentOptions;
        Store = new InMemoryObjectStore(TimeProvider.System);
        _events = new EventBroadcaster(Store, TimeProvider.System, NullLogger.Instance);
        _informers = new SharedInformerFactory(Store);
        _watch = Store.Watch(ApiResources.For<Pod>()).Subscribe(new Observer(this));
    }

    public string ClusterId { get; }

    public string DataDirectory { get; }

    public InMemoryObjectStore Store { get; }

    public NodeAgentOptions AgentOptions { get; }

    public DockerNodes Nodes { get; private set; } = null!;

    public NodeAgentHost Host { get; private set; } = null!;

    /// <summary>The agent settings of these tests: short back-off and heartbeats, and no periodic resync (events drive the agent).</summary>
    public static NodeAgentOptions FastAgent => new()
    {
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        BackOffBase = TimeSpan.FromSeconds(1),
        BackOffMax = TimeSpan.FromSeconds(4),
        ResyncInterval = TimeSpan.FromMinutes(10),
        ConfigRetryInterval = TimeSpan.FromSeconds(1),
        PodWorkers = 32,
        ProbeWorkers = 16,
    };

    /// <summary>Starts a cluster with one node, <c>docker-1</c>, on the default engine.</summary>
    public static async Task<DockerPodCluster> StartAsync(NodeAgentOptions? agentOptions = null)
    {
        (await DockerTestEnvironment.ConnectAsync()).Dispose();
        var clusterId = "e2e-" + DockerTestEnvironment.NewRunId();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "orch-docker-tests", clusterId);
        var cluster = new DockerPodCluster(clusterId, dataDirectory, () => DockerRuntimeFixture.Options(clusterId, dataDirectory, "docker-1"),
            agentOptions ?? FastAgent);
        await cluster.StartNodesAsync();
        return cluster;
    }

    /// <summary>
    /// Stops the agents and drops the engine connections, as when the orchestrator's process ends (containers keep
    /// running), optionally force-deletes a pod meanwhile, then connects and starts again with the same store: the new
    /// agents adopt what runs and remove what belongs to pods that are gone.
    /// </summary>
    public async Task RestartAsync(string? deleteWhileDown = null)
    {
        await StopNodesAsync();
        if (deleteWhileDown is not null) await DeleteAsync(deleteWhileDown, gracePeriodSeconds: 0);
        await StartNodesAsync();
    }

    public static Pod NewPod(string name, params Container[] containers) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new PodSpec
        {
            NodeName = "docker-1",
            TerminationGracePeriodSeconds = 5,
            Containers = containers,
        },
    };

    public static Container Busybox(string name, params string[] command) => new()
    {
        Name = name,
        Image = DockerTestEnvironment.BusyboxImage,
        Command = command,
        ImagePullPolicy = PullPolicy.IfNotPresent,
    };

    public async Task<Pod> CreateAsync(Pod pod) => (Pod)await Store.CreateAsync(pod);

    public async Task<T> CreateObjectAsync<T>(T obj) where T : KubernetesObject => (T)await Store.CreateAsync(obj);

    public Task DeleteAsync(string name, long? gracePeriodSeconds = null) =>
        Store.DeleteAsync(ApiResources.For<Pod>(), "default", name, new DeleteOptions { GracePeriodSeconds = gracePeriodSeconds }).AsTask();

    public Pod? Get(string name) => _pods.GetValueOrDefault(name);

    /// <summary>Waits until the pod satisfies <paramref name="condition"/>; fails the test after <paramref name="timeout"/>.</summary>
    public async Task<Pod> WaitForPodAsync(string name, Func<Pod, bool> condition, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        while (true)
        {
            var changed = _changed.Task;
            if (_pods.TryGetValue(name, out var pod) && condition(pod)) return pod;
            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting for pod {name} to be {what}; last status: {Describe(Get(name))}");
            }
        }
    }

    /// <summary>Waits until the pod has been removed from the store.</summary>
    public async Task WaitForPodDeletedAsync(string name)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            var changed = _changed.Task;
            if (!_pods.ContainsKey(name) && _deleted.ContainsKey(name)) return;
            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting for pod {name} to be removed; last status: {Describe(Get(name))}");
            }
        }
    }

    public async Task<IReadOnlyList<Event>> EventsAsync(string podName)
    {
        var list = await Store.ListAsync(ApiResources.For<Event>());
        return [.. list.Items.Cast<Event>().Where(e => e.InvolvedObject.Name == podName)];
    }

    public static ContainerStatus App(Pod pod, string name = "app") =>
        pod.Status?.ContainerStatuses.FirstOrDefault(s => s.Name == name) ?? new ContainerStatus { Name = name };

    /// <summary>The engine's id of a container from its status (<c>docker://…</c>).</summary>
    public static string DockerId(ContainerStatus status)
    {
        var id = status.ContainerID ?? "";
        return id.StartsWith("docker://", StringComparison.Ordinal) ? id["docker://".Length..] : throw new AssertionException($"no docker id: {id}");
    }

    public static string Describe(Pod? pod)
    {
        if (pod?.Status is not { } status) return pod is null ? "<none>" : "<no status>";
        static string Container(ContainerStatus s) =>
            $"{s.Name}:{(s.State.Running is not null ? "running" : s.State.Terminated is { } t ? $"terminated({t.ExitCode},{t.Reason},{t.Message})" : $"waiting({s.State.Waiting?.Reason}: {s.State.Waiting?.Message})")} ready={s.Ready} restarts={s.RestartCount}";
        return $"phase={status.Phase} ip={status.PodIP} conditions=[{string.Join(", ", status.Conditions.Select(c => $"{c.Type}={c.Status}"))}] " +
            $"containers=[{string.Join("; ", status.ContainerStatuses.Select(Container))}]";
    }

    public async ValueTask DisposeAsync()
    {
        await StopNodesAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await using (var nodes = await DockerNodes.ConnectAsync(_options(), cancellationToken: cts.Token))
        {
            await nodes.PurgeAsync(cts.Token);
        }
        _watch.Dispose();
        await _informers.DisposeAsync();
        await _events.DisposeAsync();
        Store.Dispose();
        if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);
    }

    private async Task StartNodesAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        Nodes = await DockerNodes.ConnectAsync(_options(), cancellationToken: cts.Token);
        Host = new NodeAgentHost(Store, _informers, Nodes.Registrations, AgentOptions, _events, timeProvider: TimeProvider.System,
            loggerFactory: NullLoggerFactory.Instance);
        await Host.StartAsync(cts.Token);
        await Host.Ready.WaitAsync(cts.Token);
    }

    private async Task StopNodesAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await Host.StopAsync(cts.Token);
        Host.Dispose();
        await Nodes.DisposeAsync();
    }

    private void Changed()
    {
        var previous = Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }

    private sealed class Observer(DockerPodCluster owner) : IObserver<WatchEvent<KubernetesObject>>
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
