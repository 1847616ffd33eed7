using Orchestrator.Docker.Engine;
using Orchestrator.Docker.Hosting;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Tests.Runtime;

/// <summary>The runtime's event stream on the real engine: exits noticed without polling, also across a broken connection.</summary>
public sealed class EventsTests : DockerRuntimeFixture
{
    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task WatchAsync_ContainerKilledFromOutside_DeliversItsLifecycleWithLabels(CancellationToken ct)
    {
        // Given a subscriber and a running container
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var events = Collect(Runtime.WatchAsync(watching.Token));
        var sandbox = Sandbox("killed");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var id = await RunContainerAsync(sandboxId, Container(sandbox, "app", "sleep", "300"), ct);

        // When someone kills it with the engine directly (docker kill) and it is removed
        await Client.KillContainerAsync(id, "SIGKILL", ct);
        var exited = await events.WaitForAsync(e => e.ContainerId == id && e.Type == ContainerEventType.Exited, ct);
        await Runtime.RemoveContainerAsync(id, ct);
        await events.WaitForAsync(e => e.ContainerId == id && e.Type == ContainerEventType.Removed, ct);

        // Then the stream told its whole life, with the labels that route it to its pod
        Assert.That(events.For(id), Is.EqualTo(new[]
        {
            ContainerEventType.Created, ContainerEventType.Started, ContainerEventType.Exited, ContainerEventType.Removed,
        }));
        Assert.That(exited.PodUid, Is.EqualTo(sandbox.PodUid));
        Assert.That(exited.SandboxId, Is.EqualTo(sandboxId));
        Assert.That(exited.Labels[ContainerLabels.NodeName], Is.EqualTo(NodeName));
        Assert.That(exited.Labels[ContainerLabels.ContainerName], Is.EqualTo("app"));
        Assert.That(events.All.Where(e => e.ContainerId == sandboxId).Select(e => e.Type), Does.Contain(ContainerEventType.Started), "sandboxes report too");
        await watching.CancelAsync();
        await events.Completion;
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task WatchAsync_EngineAwayWhileAContainerDies_DeliversTheExitAfterReconnecting(CancellationToken ct)
    {
        // Given a node that reaches the engine through a proxy, and a subscriber
        await using var proxy = new EngineProxy("/var/run/docker.sock");
        var clusterId = ClusterId + "-proxied";
        await using var nodes = await DockerNodes.ConnectAsync(
            Options(clusterId, Path.Combine(DataDirectory, "proxied"), "proxied", new DockerEndpointOptions { Host = proxy.Address }), cancellationToken: ct);
        try
        {
            var runtime = nodes[0].Runtime;
            using var watching = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var events = Collect(runtime.WatchAsync(watching.Token));
            var sandbox = Sandbox("flaky") with { Network = nodes[0].Registration.Network!.NetworkName };
            sandbox = sandbox with { Labels = new Dictionary<string, string>(sandbox.Labels) { [ContainerLabels.NodeName] = "proxied" } };
            var sandboxId = await runtime.CreateSandboxAsync(sandbox, ct);
            var id = await runtime.CreateContainerAsync(sandboxId, Container(sandbox, "app", "sleep", "300"), ct);
            await runtime.StartContainerAsync(id, ct);
            await events.WaitForAsync(e => e.ContainerId == id && e.Type == ContainerEventType.Started, ct);
            var connections = runtime.Events.Connections;

            // When the engine is away while the container is killed, then comes back
            proxy.Pause();
            await Client.KillContainerAsync(id, "SIGKILL", ct);
            await Client.WaitContainerAsync(id, ContainerWaitCondition.NotRunning, ct);
            proxy.Resume();

            // Then the exit arrives after the stream reconnected, and nothing already delivered is repeated
            await events.WaitForAsync(e => e.ContainerId == id && e.Type == ContainerEventType.Exited, ct);
            Assert.That(runtime.Events.Connections, Is.GreaterThan(connections));
            Assert.That(events.For(id), Is.EqualTo(new[] { ContainerEventType.Created, ContainerEventType.Started, ContainerEventType.Exited }));
            await watching.CancelAsync();
            await events.Completion;
        }
        finally
        {
            await nodes.PurgeAsync(ct);
        }
    }

    private static EventCollector Collect(IAsyncEnumerable<ContainerEvent> stream) => new(stream);

    /// <summary>Reads a stream in the background and lets a test wait for an event.</summary>
    private sealed class EventCollector
    {
        private readonly List<ContainerEvent> _events = [];
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public EventCollector(IAsyncEnumerable<ContainerEvent> stream) => Completion = ReadAsync(stream);

        public Task Completion { get; }

        public IReadOnlyList<ContainerEvent> All
        {
            get
            {
                lock (_events) return [.. _events];
            }
        }

        public IReadOnlyList<ContainerEventType> For(string id) => [.. All.Where(e => e.ContainerId == id).Select(e => e.Type)];

        public async Task<ContainerEvent> WaitForAsync(Func<ContainerEvent, bool> match, CancellationToken ct)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            while (true)
            {
                Task changed;
                lock (_events)
                {
                    if (_events.FirstOrDefault(match) is { } found) return found;
                    changed = _changed.Task;
                }
                try
                {
                    await changed.WaitAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    Assert.Fail($"Timed out waiting for an event; got {string.Join(", ", All.Select(e => $"{e.Type} {e.ContainerId[..12]}"))}");
                }
            }
        }

        private async Task ReadAsync(IAsyncEnumerable<ContainerEvent> stream)
        {
            await foreach (var e in stream)
            {
                TaskCompletionSource changed;
                lock (_events)
                {
                    _events.Add(e);
                    changed = _changed;
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                changed.TrySetResult();
            }
        }
    }
}
