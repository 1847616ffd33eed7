using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api;
using Orchestrator.Client;
using Orchestrator.Docker.Hosting;
using Orchestrator.Hosting;
using Orchestrator.Manifests;

namespace Orchestrator.Testing;

/// <summary>
/// An embedded orchestrator for tests — store, controllers, scheduler and node agents in the test process — on which
/// tests start <see cref="PodGroup"/>s. Start one per fixture (or per test assembly) and a group per test: groups are
/// isolated in namespaces of their own, so tests may run in parallel on one cluster.
/// </summary>
/// <remarks>
/// <para>Pods run on simulated nodes unless Docker is chosen (<see cref="TestClusterBuilder.WithDocker"/> or the
/// <see cref="TestClusterBuilder.RuntimeVariable"/> environment variable). With Docker every container carries the
/// session's cluster id; disposing the cluster removes them all, and a session that starts after a crashed one removes
/// what the crashed one left (see the package README).</para>
/// <para>Disposing deletes the groups still open, stops the host and, with Docker, purges the session's containers,
/// network and pod directories. Thread-safe.</para>
/// </remarks>
/// <example>
/// <code>
/// await using var cluster = await TestCluster.StartAsync();
/// await using var group = await cluster.StartGroupAsync(File.ReadAllText("app.yaml"));
/// var redis = await group.GetEndpointAsync("redis", 6379);
/// </code>
/// </example>
public sealed class TestCluster : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private readonly IHost _host;
    private readonly string? _sessionFile;
    private readonly ConcurrentDictionary<PodGroup, byte> _groups = new();
    private readonly ILogger _logger;
    private int _disposed;

    private TestCluster(IHost host, string sessionId, bool docker, string? sessionFile)
    {
        _host = host;
        SessionId = sessionId;
        UsesDocker = docker;
        _sessionFile = sessionFile;
        Client = host.Services.GetRequiredService<IOrchestratorClient>();
        Time = host.Services.GetRequiredService<TimeProvider>();
        _logger = host.Services.GetService<ILoggerFactory>()?.CreateLogger("Orchestrator.Testing") ?? NullLogger.Instance;
    }

    /// <summary>The label every group namespace carries, with the session id as value.</summary>
    public const string SessionLabel = "testing.orchestrator.io/session";

    /// <summary>Identifies this cluster's session (and, with Docker, its cluster id <c>orchtest-{SessionId}</c>).</summary>
    public string SessionId { get; }

    /// <summary>True when pods run as Docker containers, false on simulated nodes.</summary>
    public bool UsesDocker { get; }

    /// <summary>The cluster's client.</summary>
    public IOrchestratorClient Client { get; }

    /// <summary>The cluster's services (the store, <c>SimulatedNodes</c> or <c>DockerNodes</c>, ...).</summary>
    public IServiceProvider Services => _host.Services;

    internal TimeProvider Time { get; }

    /// <summary>Starts a cluster as <see cref="TestClusterBuilder"/>'s defaults say (simulated unless the environment asks for Docker).</summary>
    public static Task<TestCluster> StartAsync(CancellationToken cancellationToken = default) => new TestClusterBuilder().StartAsync(cancellationToken);

    /// <summary>Starts the objects of <paramref name="manifest"/> as a group and waits until they are all ready.</summary>
    /// <exception cref="WaitException">They did not become ready; the message says why. The group was torn down.</exception>
    /// <exception cref="ManifestException">The manifest is invalid.</exception>
    public Task<PodGroup> StartGroupAsync(string manifest, CancellationToken cancellationToken = default) =>
        StartGroupAsync(new PodGroupBuilder().WithManifest(manifest), cancellationToken);

    /// <summary>Starts <paramref name="pods"/> as a group and waits until they are all ready.</summary>
    /// <exception cref="WaitException">They did not become ready; the message says why. The group was torn down.</exception>
    public Task<PodGroup> StartGroupAsync(IEnumerable<PodBuilder> pods, CancellationToken cancellationToken = default) =>
        StartGroupAsync(new PodGroupBuilder().WithPods([.. pods]), cancellationToken);

    /// <summary>
    /// Starts a group: creates its namespace, applies every object into it (a manifest's own namespaces are replaced by
    /// the group's), then runs the wait strategy. When the wait fails the group is torn down and the exception, which
    /// describes the objects that were not ready, is rethrown.
    /// </summary>
    /// <exception cref="WaitException">The wait strategy failed.</exception>
    /// <exception cref="ManifestException">A manifest is invalid or could not be applied.</exception>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public async Task<PodGroup> StartGroupAsync(PodGroupBuilder group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var ns = $"{group.NamespacePrefix}-{RandomSuffix(6)}";
        var documents = await ReadAsync(group, ns, cancellationToken).ConfigureAwait(false);
        await Client.ApplyAsync(new Namespace
        {
            Metadata = new ObjectMeta { Name = ns, Labels = new Dictionary<string, string> { [SessionLabel] = SessionId } },
        }, cancellationToken).ConfigureAwait(false);

        // Until the objects are applied, a group without objects stands for the namespace, to tear it down on failure.
        var podGroup = new PodGroup(this, ns, [], group.TeardownGracePeriod);
        _groups[podGroup] = 0;
        try
        {
            var applied = await new ManifestApplier(Client.Store).ApplyAsync(documents, cancellationToken).ConfigureAwait(false);
            Forget(podGroup);
            podGroup = new PodGroup(this, ns, [.. applied.Select(r => r.Object)], group.TeardownGracePeriod);
            _groups[podGroup] = 0;
            await group.WaitStrategy.WaitAsync(podGroup, group.Timeout, cancellationToken).ConfigureAwait(false);
            return podGroup;
        }
        catch
        {
            await podGroup.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Tears down the groups still open, stops the cluster and, with Docker, removes every container, network and pod
    /// directory of the session. Never throws for a failed tear-down; it is logged.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var group in _groups.Keys.ToList()) await group.DisposeAsync().ConfigureAwait(false);
        var docker = UsesDocker ? _host.Services.GetService<DockerNodes>() : null;
        using (var stop = new CancellationTokenSource(StopTimeout))
        {
            try
            {
                await _host.StopAsync(stop.Token).ConfigureAwait(false);
                if (docker is not null) await docker.PurgeAsync(stop.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Left for the next session's reaper: the session file stays.
                TestingLog.ReapFailed(_logger, SessionId, e.Message);
                await DisposeHostAsync().ConfigureAwait(false);
                return;
            }
        }
        await DisposeHostAsync().ConfigureAwait(false);
        if (_sessionFile is not null) SessionRegistry.Unregister(_sessionFile);
    }

    internal static async Task<TestCluster> StartAsync(TestClusterBuilder.State settings, CancellationToken cancellationToken)
    {
        var sessionId = $"{DateTime.UtcNow:yyMMddHHmmss}-{RandomSuffix(6)}";
        var docker = settings.Docker == true;
        var clusterId = $"orchtest-{sessionId}";
        string? sessionFile = null;
        DockerRuntimeOptions? dockerOptions = null;
        if (docker)
        {
            dockerOptions = new DockerRuntimeOptions();
            settings.ConfigureDocker?.Invoke(dockerOptions);
            dockerOptions.ClusterId = clusterId;
            await SessionRegistry.ReapAsync(NullLogger.Instance, cancellationToken).ConfigureAwait(false);
            sessionFile = SessionRegistry.Register(sessionId, clusterId,
                dockerOptions.Hosts.Count == 0 ? [new DockerHostOptions()] : [.. dockerOptions.Hosts]);
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        var orchestrator = builder.Services.AddOrchestrator(o =>
        {
            o.NodeAgent = o.NodeAgent with { BackOffBase = TimeSpan.FromSeconds(1), BackOffMax = TimeSpan.FromSeconds(10) };
            foreach (var configure in settings.ConfigureOptions) configure(o);
        });
        if (dockerOptions is not null) orchestrator.AddDockerRuntime(o => Copy(dockerOptions, o));
        else orchestrator.AddSimulatedNodes(settings.NodeCount, settings.ConfigureNodes);
        foreach (var configure in settings.ConfigureServices) configure(builder.Services);
        var host = builder.Build();

        var cluster = new TestCluster(host, sessionId, docker, sessionFile);
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(settings.StartTimeout);
            await host.StartAsync(limit.Token).ConfigureAwait(false);
            var nodes = docker ? Math.Max(1, dockerOptions!.Hosts.Count) : settings.NodeCount;
            await cluster.Client.WaitForNodesAsync(nodes, settings.StartTimeout, limit.Token).ConfigureAwait(false);
            TestingLog.Started(cluster._logger, sessionId, nodes, docker ? "Docker" : "simulated");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The session file, while the session runs on Docker.</summary>
    internal string? SessionFile => _sessionFile;

    /// <summary>
    /// Ends the cluster as a crashed test process would: the host stops, but nothing is deleted or purged and the session
    /// file stays, so the containers are left for the next session's reaper. For tests of the reaper.
    /// </summary>
    internal async Task AbandonAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        using var stop = new CancellationTokenSource(StopTimeout);
        await _host.StopAsync(stop.Token).ConfigureAwait(false);
        await DisposeHostAsync().ConfigureAwait(false);
    }

    internal void Forget(PodGroup group) => _groups.TryRemove(group, out _);

    internal void TeardownFailed(PodGroup group, Exception error) => TestingLog.TeardownFailed(_logger, group.Namespace, error.Message);

    /// <summary>Reads a group's sources into documents, all in namespace <paramref name="ns"/>.</summary>
    private static async Task<List<ManifestDocument>> ReadAsync(PodGroupBuilder group, string ns, CancellationToken cancellationToken)
    {
        var options = new ManifestOptions { DefaultNamespace = ns };
        var documents = new List<ManifestDocument>();
        var index = 0;
        foreach (var source in group.Sources)
        {
            index++;
            if (source.Manifest is not null) documents.AddRange(ManifestReader.Parse(source.Manifest, $"<manifest {index}>", options));
            else if (source.Path is not null) documents.AddRange(await ManifestReader.ParseFileAsync(source.Path, options, cancellationToken).ConfigureAwait(false));
            else documents.AddRange(source.Objects.Select((o, i) => new ManifestDocument(o, $"<objects {index}>", i + 1, 1, [])));
        }
        // Isolation: a manifest's own namespaces give way to the group's.
        return
        [
            .. documents
                .Where(d => d.Object is not Namespace)
                .Select(d => ApiResources.For(d.Object.GetType()).Namespaced && d.Object.Metadata.Namespace != ns
                    ? d with { Object = d.Object with { Metadata = d.Object.Metadata with { Namespace = ns } } }
                    : d),
        ];
    }

    private async Task DisposeHostAsync()
    {
        if (_host is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        else _host.Dispose();
    }

    private static void Copy(DockerRuntimeOptions from, DockerRuntimeOptions to)
    {
        to.ClusterId = from.ClusterId;
        to.SandboxImage = from.SandboxImage;
        to.SandboxCommand.AddRange(from.SandboxCommand);
        to.Hosts.AddRange(from.Hosts);
        to.DataDirectory = from.DataDirectory;
        to.MemoryDataDirectory = from.MemoryDataDirectory;
        to.NetworkName = from.NetworkName;
        to.MaxPods = from.MaxPods;
        to.RegistryCredentials.AddRange(from.RegistryCredentials);
        foreach (var (key, value) in from.NodeLabels) to.NodeLabels[key] = value;
        to.NodeTaints.AddRange(from.NodeTaints);
        to.RemoveLeftovers = from.RemoveLeftovers;
    }

    private static string RandomSuffix(int length)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(length, alphabet, static (span, a) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = a[RandomNumberGenerator.GetInt32(a.Length)];
        });
    }
}
