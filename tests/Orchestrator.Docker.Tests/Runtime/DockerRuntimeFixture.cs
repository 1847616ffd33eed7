using System.Collections.Immutable;
using System.Globalization;
using Orchestrator.Docker.Engine;
using Orchestrator.Docker.Hosting;
using Orchestrator.Docker.Runtime;
using Orchestrator.Networking;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Tests.Runtime;

/// <summary>
/// A fixture of runtime-contract tests on the real default engine: one Docker node under a cluster id unique to the
/// fixture (everything it creates carries it, and <see cref="DockerNodes.PurgeAsync"/> removes it all in teardown),
/// sandboxes from the busybox test image, pod directories in a private temporary directory. Helpers build the sandbox
/// and container configurations the node agent would.
/// </summary>
public abstract class DockerRuntimeFixture
{
    protected const int TestTimeoutMs = 90_000;

    /// <summary>A sandbox that waits for SIGTERM, from the test image (nothing can be pulled in the test environment).</summary>
    public static readonly string[] SandboxCommand = ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait; done"];

    private DockerNodes? _nodes;

    protected string ClusterId { get; } = "test-" + DockerTestEnvironment.NewRunId();

    protected string DataDirectory { get; private set; } = "";

    protected DockerNodes Nodes => _nodes!;

    protected DockerContainerRuntime Runtime => Nodes[0].Runtime;

    protected INetworkProvider Network => Nodes[0].Registration.Network!;

    protected string NodeName => Nodes[0].Name;

    private protected DockerEngineClient Client => Runtime.Client;

    [OneTimeSetUp]
    public async Task ConnectNode()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // The shared policy: ignored without Docker on a developer machine, a failure under CI=true.
        (await DockerTestEnvironment.ConnectAsync(ct: cts.Token)).Dispose();
        DataDirectory = Path.Combine(Path.GetTempPath(), "orch-docker-tests", ClusterId);
        _nodes = await DockerNodes.ConnectAsync(Options(ClusterId, DataDirectory, "docker-1"), cancellationToken: cts.Token);
    }

    [OneTimeTearDown]
    public async Task RemoveEverything()
    {
        if (_nodes is null) return;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _nodes.PurgeAsync(cts.Token);
        await _nodes.DisposeAsync();
        if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);
    }

    /// <summary>Options for one node on the default engine (or <paramref name="host"/>) with the test sandbox.</summary>
    public static DockerRuntimeOptions Options(string clusterId, string dataDirectory, string nodeName, DockerEndpointOptions? host = null)
    {
        var options = new DockerRuntimeOptions
        {
            ClusterId = clusterId,
            SandboxImage = DockerTestEnvironment.BusyboxImage,
            DataDirectory = dataDirectory,
            MemoryDataDirectory = Path.Combine(dataDirectory, "memory"),
        };
        options.SandboxCommand.AddRange(SandboxCommand);
        options.Hosts.Add(new DockerHostOptions { Name = nodeName, Endpoint = host ?? new DockerEndpointOptions() });
        return options;
    }

    /// <summary>A sandbox configuration as the node agent builds it for a pod named <paramref name="podName"/>.</summary>
    protected PodSandboxConfig Sandbox(string podName, params RuntimeVolume[] volumes)
    {
        var config = new PodSandboxConfig
        {
            PodName = podName,
            PodNamespace = "default",
            PodUid = Guid.NewGuid().ToString(),
            Hostname = podName,
            Network = Network.NetworkName,
            Volumes = volumes,
        };
        return config with { Labels = PodLabels(config) };
    }

    /// <summary>The labels the agent puts on a sandbox.</summary>
    protected IReadOnlyDictionary<string, string> PodLabels(PodSandboxConfig sandbox) => new Dictionary<string, string>
    {
        [ContainerLabels.NodeName] = NodeName,
        [ContainerLabels.PodUid] = sandbox.PodUid,
        [ContainerLabels.PodName] = sandbox.PodName,
        [ContainerLabels.PodNamespace] = sandbox.PodNamespace,
        [ContainerLabels.SandboxAttempt] = sandbox.Attempt.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A container configuration of the test image running <paramref name="command"/>, labelled as the agent does.</summary>
    protected static ContainerConfig Container(PodSandboxConfig sandbox, string name, params string[] command) => new()
    {
        Name = name,
        Image = DockerTestEnvironment.BusyboxImage,
        Command = command,
        TerminationMessagePath = "/dev/termination-log",
        Labels = new Dictionary<string, string>
        {
            [ContainerLabels.NodeName] = sandbox.Labels[ContainerLabels.NodeName],
            [ContainerLabels.PodUid] = sandbox.PodUid,
            [ContainerLabels.PodName] = sandbox.PodName,
            [ContainerLabels.PodNamespace] = sandbox.PodNamespace,
            [ContainerLabels.ContainerName] = name,
            [ContainerLabels.RestartCount] = "0",
            [ContainerLabels.ContainerKind] = ContainerLabels.AppKind,
        },
    };

    /// <summary>Creates and starts a sandbox and returns its id and pod IP, as the agent does.</summary>
    protected async Task<(string Id, string Ip)> RunSandboxAsync(PodSandboxConfig config, CancellationToken ct)
    {
        var id = await Runtime.CreateSandboxAsync(config, ct);
        var status = await Network.AttachAsync(new PodNetworkAttachment(id, config.PodNamespace, config.PodName, config.PodUid, NodeName), ct);
        return (id, status.Ip);
    }

    /// <summary>Creates and starts a container; returns its id.</summary>
    protected async Task<string> RunContainerAsync(string sandboxId, ContainerConfig config, CancellationToken ct)
    {
        var id = await Runtime.CreateContainerAsync(sandboxId, config, ct);
        await Runtime.StartContainerAsync(id, ct);
        return id;
    }

    /// <summary>Polls the container's status until <paramref name="condition"/> holds; fails after <paramref name="timeout"/>.</summary>
    protected async Task<RuntimeContainerStatus> WaitForStatusAsync(
        string containerId, Func<RuntimeContainerStatus, bool> condition, string what, CancellationToken ct, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        RuntimeContainerStatus? status = null;
        while (DateTime.UtcNow < deadline)
        {
            status = await Runtime.GetContainerStatusAsync(containerId, ct);
            if (status is not null && condition(status)) return status;
            await Task.Delay(50, ct);
        }
        Assert.Fail($"Timed out waiting for container {containerId} to be {what}; last: {status?.State} exit={status?.ExitCode} reason={status?.Reason}");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Runs a command in a container and returns its standard output; fails the test on a non-zero exit.</summary>
    protected async Task<string> ExecAsync(string containerId, CancellationToken ct, params string[] command)
    {
        var result = await Runtime.ExecAsync(containerId, command, TimeSpan.FromSeconds(20), ct);
        Assert.That(result.ExitCode, Is.Zero, $"`{string.Join(' ', command)}` failed: {result.Stdout}{result.Stderr}");
        return result.Stdout;
    }
}
