using System.Collections;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Docker.Engine;
using Orchestrator.Docker.Networking;
using Orchestrator.Docker.Runtime;
using Orchestrator.NodeAgent;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Hosting;

/// <summary>
/// The nodes of a cluster that runs pods on Docker: one per engine of <see cref="DockerRuntimeOptions.Hosts"/>, each
/// with its <see cref="DockerContainerRuntime"/> and pod network, ready to be run by a <see cref="NodeAgentHost"/>.
/// Register them with <see cref="DockerRuntimeServiceCollectionExtensions.AddDockerRuntime(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{DockerRuntimeOptions})"/>, or connect with
/// <see cref="ConnectAsync"/> and pass <see cref="Registrations"/> to a host yourself.
/// </summary>
/// <example>
/// <code>
/// await using var nodes = await DockerNodes.ConnectAsync(new DockerRuntimeOptions { ClusterId = "dev" });
/// await using var host = new NodeAgentHost(store, informers, nodes.Registrations);
/// await host.StartAsync(cancellationToken);
/// </code>
/// </example>
public sealed class DockerNodes : IReadOnlyList<DockerNode>, IAsyncDisposable
{
    private readonly DockerNode[] _nodes;
    private readonly Dictionary<string, DockerNode> _byName;
    private readonly DockerNetworkProvider[] _networks;
    private readonly DockerEngineClient[] _clients;
    private int _disposed;

    private DockerNodes(DockerNode[] nodes, DockerNetworkProvider[] networks, DockerEngineClient[] clients, string clusterId)
    {
        _nodes = nodes;
        _networks = networks;
        _clients = clients;
        ClusterId = clusterId;
        _byName = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
    }

    /// <summary>The cluster id the nodes' containers are labelled with.</summary>
    public string ClusterId { get; }

    /// <summary>The registrations to pass to a <see cref="NodeAgentHost"/>.</summary>
    public IReadOnlyList<NodeRegistration> Registrations => [.. _nodes.Select(n => n.Registration)];

    /// <inheritdoc/>
    public int Count => _nodes.Length;

    /// <inheritdoc/>
    public DockerNode this[int index] => _nodes[index];

    /// <summary>The node named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is no such node.</exception>
    public DockerNode this[string name] => _byName[name];

    /// <summary>
    /// Connects to every engine (concurrently; each as the <c>docker</c> CLI would, see <see cref="DockerEndpointOptions"/>),
    /// reads its capacity, names its node (<see cref="DockerHostOptions.Name"/>, else the engine's name), creates its pod
    /// network unless it exists and, with <see cref="DockerRuntimeOptions.RemoveLeftovers"/>, removes leftovers the
    /// node agents would not adopt (see the remarks).
    /// </summary>
    /// <remarks>
    /// Ownership and cleanup: the node agent adopts the sandboxes and containers labelled with its node and removes
    /// those of pods that no longer exist, once its caches have synced. What remains for this call is what no agent
    /// looks at: containers of this cluster id labelled with a node this process does not run on that engine (an earlier
    /// run with other nodes), containers whose sandbox is gone, and pod directories whose sandbox is gone.
    /// </remarks>
    /// <exception cref="ContainerRuntimeException">An engine did not answer (the message lists the endpoints tried and how to fix it).</exception>
    /// <exception cref="ArgumentException">The options are invalid, or two engines give the same node name.</exception>
    public static Task<DockerNodes> ConnectAsync(
        DockerRuntimeOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default) =>
        ConnectCoreAsync(options, loggerFactory, timeProvider, clusterDns: false, cancellationToken);

    /// <summary>The pod networks of the nodes, in node order (nodes on one engine share one).</summary>
    internal IReadOnlyList<DockerNetworkProvider> Networks => _networks;

    /// <inheritdoc cref="ConnectAsync"/>
    /// <param name="options">The engines and settings.</param>
    /// <param name="loggerFactory">Creates the loggers.</param>
    /// <param name="timeProvider">The clock; the system's when null.</param>
    /// <param name="clusterDns">
    /// Whether the pods of nodes on local engines use the cluster DNS at their pod network's gateway
    /// (<see cref="NodeRegistration.ClusterDns"/>): set when the in-process cluster DNS serves there.
    /// </param>
    /// <param name="cancellationToken">Bounds the connection.</param>
    internal static async Task<DockerNodes> ConnectCoreAsync(
        DockerRuntimeOptions options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, bool clusterDns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("Orchestrator.Docker");
        var hosts = options.Hosts.Count == 0 ? [new DockerHostOptions()] : options.Hosts.ToArray();

        var connected = await Task.WhenAll(hosts.Select(h => ConnectHostAsync(h, logger, cancellationToken))).ConfigureAwait(false);
        var clients = connected.Select(c => c.Client).OfType<DockerEngineClient>().ToArray();
        try
        {
            if (connected.FirstOrDefault(c => c.Error is not null).Error is { } error) throw error;
            var names = connected.Select((c, i) => hosts[i].Name ?? c.Info!.Name ?? "docker").ToArray();
            if (names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            {
                throw new ArgumentException(
                    $"Two Docker hosts would both be node \"{duplicate.Key}\"; set DockerHostOptions.Name to tell them apart.", nameof(options));
            }
            var nodes = new DockerNode[hosts.Length];
            var networks = new DockerNetworkProvider[hosts.Length];
            for (var i = 0; i < hosts.Length; i++)
            {
                var engineId = connected[i].Info!.ID ?? connected[i].Client!.Endpoint.Address;
                var sameEngine = names.Where((_, j) => (connected[j].Info!.ID ?? connected[j].Client!.Endpoint.Address) == engineId).ToArray();
                (nodes[i], networks[i]) = CreateNode(options, hosts[i], names[i], connected[i].Client!, sameEngine, loggerFactory, timeProvider);
            }
            await Task.WhenAll(networks.Select(n => n.EnsureNetworkAsync(cancellationToken))).ConfigureAwait(false);
            if (clusterDns) await UseClusterDnsAsync(nodes, networks, logger, cancellationToken).ConfigureAwait(false);
            if (options.RemoveLeftovers)
            {
                await Task.WhenAll(nodes.Select(n => n.Runtime.ReapAsync(cancellationToken))).ConfigureAwait(false);
            }
            return new DockerNodes(nodes, networks, clients, options.ClusterId);
        }
        catch
        {
            foreach (var client in clients) client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Removes everything of this cluster on every engine: sandboxes and containers of its nodes, the pod networks it
    /// created and the pod directories. For tests and throw-away clusters; stop the node agents first.
    /// </summary>
    public async Task PurgeAsync(CancellationToken cancellationToken = default)
    {
        await Task.WhenAll(_nodes.Select(n => n.Runtime.PurgeAsync(cancellationToken))).ConfigureAwait(false);
        foreach (var network in _networks)
        {
            try
            {
                await network.RemoveNetworkAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException)
            {
                // Still in use by another node of the same engine: the last one removes it.
            }
        }
    }

    /// <summary>Stops the runtimes' event streams and closes the engine connections; containers keep running. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var node in _nodes) await node.Runtime.DisposeAsync().ConfigureAwait(false);
        foreach (var client in _clients) client.Dispose();
    }

    /// <inheritdoc/>
    public IEnumerator<DockerNode> GetEnumerator() => ((IEnumerable<DockerNode>)_nodes).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static void Validate(DockerRuntimeOptions options)
    {
        if (string.IsNullOrEmpty(options.ClusterId) || !options.ClusterId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new ArgumentException($"ClusterId \"{options.ClusterId}\" must be letters, digits, '.', '_' and '-'.", nameof(options));
        }
        ArgumentException.ThrowIfNullOrEmpty(options.SandboxImage, nameof(options.SandboxImage));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxPods, nameof(options.MaxPods));
    }

    private static async Task<(DockerEngineClient? Client, DockerInfoResponse? Info, Exception? Error)> ConnectHostAsync(
        DockerHostOptions host, ILogger logger, CancellationToken cancellationToken)
    {
        DockerEngineClient client;
        try
        {
            client = await DockerEngineClient.ConnectAsync(host.Endpoint, logger, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerEngineUnavailableException e)
        {
            return (null, null, new ContainerRuntimeException(e.Message, e));
        }
        try
        {
            return (client, await client.GetInfoAsync(cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
        {
            return (client, null, new ContainerRuntimeException($"reading /info of the Docker engine at {client.Endpoint.Address}: {e.Message}", e));
        }
    }

    private static async Task UseClusterDnsAsync(DockerNode[] nodes, DockerNetworkProvider[] networks, ILogger logger, CancellationToken cancellationToken)
    {
        for (var i = 0; i < nodes.Length; i++)
        {
            if (!networks[i].IsLocalEngine)
            {
                DockerServiceNetworkLog.RemoteEngine(logger, nodes[i].Name, networks[i].EngineAddress);
                continue;
            }
            if (await networks[i].GetGatewayAsync(cancellationToken).ConfigureAwait(false) is not { } gateway) continue;
            nodes[i] = nodes[i] with { Registration = nodes[i].Registration with { ClusterDns = [gateway.ToString()] } };
            DockerServiceNetworkLog.ClusterDns(logger, nodes[i].Name, gateway.ToString());
        }
    }

    private static (DockerNode, DockerNetworkProvider) CreateNode(
        DockerRuntimeOptions options, DockerHostOptions host, string name, DockerEngineClient client, IReadOnlyCollection<string> nodesOnEngine,
        ILoggerFactory loggerFactory, TimeProvider? timeProvider)
    {
        var dataRoot = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "orchestrator-docker");
        var memoryRoot = options.MemoryDataDirectory ??
            (Directory.Exists("/dev/shm") && !OperatingSystem.IsWindows() ? "/dev/shm/orchestrator-docker" : dataRoot);
        var logger = loggerFactory.CreateLogger("Orchestrator.Docker.Runtime");
        var network = new DockerNetworkProvider(client, options.NetworkName ?? $"orchestrator-{options.ClusterId}", options.ClusterId, host.Subnet, logger);
        var settings = new DockerRuntimeSettings
        {
            ClusterId = options.ClusterId,
            NodeName = name,
            SandboxImage = options.SandboxImage,
            SandboxCommand = [.. options.SandboxCommand],
            DataDirectory = Path.Combine(dataRoot, options.ClusterId, name),
            MemoryDataDirectory = Path.Combine(memoryRoot, options.ClusterId, name),
            DefaultNetwork = network.NetworkName,
            MaxPods = options.MaxPods,
            RegistryCredentials = [.. options.RegistryCredentials],
            NodeNamesOnEngine = nodesOnEngine,
        };
        var runtime = new DockerContainerRuntime(client, settings, timeProvider, logger, network.EnsureNetworkAsync);
        var labels = new Dictionary<string, string>(options.NodeLabels, StringComparer.Ordinal);
        foreach (var (key, value) in host.Labels) labels[key] = value;
        var registration = new NodeRegistration
        {
            Name = name,
            Runtime = runtime,
            Network = network,
            Labels = labels,
            Taints = [.. options.NodeTaints],
            InternalIP = host.InternalIP ?? InternalIPOf(client.Endpoint),
        };
        return (new DockerNode(name, runtime, registration), network);
    }

    private static string InternalIPOf(DockerEndpoint endpoint) =>
        endpoint.Host.Scheme is "tcp" or "http" or "https" && IPAddress.TryParse(endpoint.Host.Host, out var ip) ? ip.ToString() : "127.0.0.1";
}

/// <summary>One node on Docker.</summary>
/// <param name="Name">The node name.</param>
/// <param name="Runtime">Its runtime: the engine's containers of this node.</param>
/// <param name="Registration">What its agent registers.</param>
public sealed record DockerNode(string Name, DockerContainerRuntime Runtime, NodeRegistration Registration);
