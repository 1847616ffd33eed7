using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Docker.Engine;
using Orchestrator.Docker.Runtime;
using Orchestrator.Networking;

namespace Orchestrator.Docker.Networking;

/// <summary>
/// The pod network of one Docker engine: a user-defined bridge network (by default <c>orchestrator-&lt;clusterId&gt;</c>)
/// that every sandbox of the node is created in. Pod IPs are the sandboxes' addresses on it, routable from the
/// engine's machine; the engine's embedded DNS resolves pods on the same node by pod name and hostname. Addresses are
/// allocated and released by the engine.
/// </summary>
/// <remarks>
/// Each engine has its own network and address range: pods on different engines do not reach each other by pod IP
/// (Services and cross-node routing are a concern of a later layer). Give each engine a distinct
/// <see cref="Hosting.DockerHostOptions.Subnet"/> to keep pod IPs unique across nodes.
/// </remarks>
internal sealed class DockerNetworkProvider : INetworkProvider
{
    private static readonly ConcurrentDictionary<(string Engine, string Network), SemaphoreSlim> CreateGates = new();

    private readonly DockerEngineClient _client;
    private readonly string _clusterId;
    private readonly string? _subnet;
    private readonly ILogger _logger;

    public DockerNetworkProvider(DockerEngineClient client, string networkName, string clusterId, string? subnet = null, ILogger? logger = null)
    {
        _client = client;
        NetworkName = networkName;
        _clusterId = clusterId;
        _subnet = subnet;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public string NetworkName { get; }

    /// <summary>
    /// Creates the network unless it exists (labelled with the cluster id and <see cref="DockerLabels.Managed"/>);
    /// returns its id. Safe to call concurrently and repeatedly.
    /// </summary>
    /// <exception cref="NetworkException">The engine refused (for example the subnet overlaps another network).</exception>
    public async Task<string> EnsureNetworkAsync(CancellationToken cancellationToken)
    {
        // Nodes on one engine share the network: the engine does not stop two concurrent creates of one name, so this
        // process creates it once at a time.
        var gate = CreateGates.GetOrAdd((_client.Endpoint.Address, NetworkName), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await EnsureNetworkCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<string> EnsureNetworkCoreAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (await FindAsync(cancellationToken).ConfigureAwait(false) is { } existing) return existing.Id;
                var id = await _client.CreateNetworkAsync(new NetworkCreateRequest
                {
                    Name = NetworkName,
                    Driver = "bridge",
                    Labels = new Dictionary<string, string> { [DockerLabels.ClusterId] = _clusterId, [DockerLabels.Managed] = "true" },
                    IPAM = _subnet is null ? null : new DockerIpam { Config = [new DockerIpamPool { Subnet = _subnet }] },
                }, cancellationToken).ConfigureAwait(false);
                DockerRuntimeLog.NetworkCreated(_logger, NetworkName, id, _client.Endpoint.Address);
                return id;
            }
            catch (DockerConflictException) when (attempt == 0)
            {
                // Created concurrently: find it on the next round.
            }
            catch (Exception e) when (e is DockerApiException or HttpRequestException)
            {
                throw new NetworkException($"creating network {NetworkName} on {_client.Endpoint.Address}: {Message(e)}", e);
            }
        }
    }

    /// <summary>Removes the network if this cluster created it. Idempotent.</summary>
    public async Task RemoveNetworkAsync(CancellationToken cancellationToken)
    {
        if (await FindAsync(cancellationToken).ConfigureAwait(false) is not { } network ||
            network.Labels?.GetValueOrDefault(DockerLabels.ClusterId) != _clusterId)
        {
            return;
        }
        try
        {
            await _client.RemoveNetworkAsync(network.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNotFoundException)
        {
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Sandboxes are created on the network, so this only reads the sandbox's address (connecting it first if it was
    /// created elsewhere). Idempotent: the address of a running sandbox does not change.
    /// </remarks>
    public async ValueTask<PodNetworkStatus> AttachAsync(PodNetworkAttachment attachment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var sandbox = await _client.InspectContainerAsync(attachment.SandboxId, cancellationToken).ConfigureAwait(false);
                if (!sandbox.State.Running) throw new NetworkException($"sandbox {attachment.SandboxId} is not running");
                if (sandbox.NetworkSettings.Networks?.GetValueOrDefault(NetworkName) is { IPAddress: { Length: > 0 } ip }) return new PodNetworkStatus([ip]);
                if (attempt > 0) throw new NetworkException($"sandbox {attachment.SandboxId} has no address on network {NetworkName}");
                await _client.ConnectNetworkAsync(NetworkName, attachment.SandboxId,
                    new DockerEndpointSettings { Aliases = [attachment.PodName] }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (DockerNotFoundException e)
        {
            throw new NetworkException($"sandbox {attachment.SandboxId} or network {NetworkName} does not exist", e);
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException)
        {
            throw new NetworkException($"attaching sandbox {attachment.SandboxId} to {NetworkName}: {Message(e)}", e);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Nothing to do: the engine releases a sandbox's address when the sandbox stops, which the node agent does before
    /// detaching, and forgets its endpoint when the sandbox is removed.
    /// </remarks>
    public ValueTask DetachAsync(PodNetworkAttachment attachment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Whether the engine runs on this machine (a unix socket, a named pipe or a loopback TCP address): only then are
    /// its bridges, and so its gateway addresses, interfaces of this machine that its containers reach.
    /// </summary>
    internal bool IsLocalEngine => IsLocal(_client.Endpoint);

    /// <summary>The engine's address, for messages.</summary>
    internal string EngineAddress => _client.Endpoint.Address;

    /// <summary>
    /// The IPv4 gateway of the network: the address its bridge has on the engine's machine, which every container of
    /// the network reaches. Read from the network's IPAM configuration; the first host address of its subnet when the
    /// engine leaves the gateway out. Null when the network has no IPv4 pool.
    /// </summary>
    /// <exception cref="NetworkException">The engine failed or the network does not exist.</exception>
    internal async Task<IPAddress?> GetGatewayAsync(CancellationToken cancellationToken)
    {
        NetworkResponse? network;
        try
        {
            network = await FindAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
        {
            throw new NetworkException($"listing network {NetworkName} on {_client.Endpoint.Address}: {Message(e)}", e);
        }
        return network is null
            ? throw new NetworkException($"network {NetworkName} does not exist on {_client.Endpoint.Address}")
            : GatewayOf(network.IPAM);
    }

    /// <summary>The first IPv4 gateway of the pools (or the first host address of a pool's subnet); null when none is IPv4.</summary>
    internal static IPAddress? GatewayOf(DockerIpam? ipam)
    {
        foreach (var pool in ipam?.Config ?? [])
        {
            if (IPAddress.TryParse(pool.Gateway, out var gateway) && gateway.AddressFamily == AddressFamily.InterNetwork) return gateway;
            if (IPNetwork.TryParse(pool.Subnet, out var subnet) && subnet.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
            {
                var bytes = subnet.BaseAddress.GetAddressBytes();
                bytes[3]++;
                return new IPAddress(bytes);
            }
        }
        return null;
    }

    /// <summary>Whether the engine at <paramref name="endpoint"/> runs on this machine.</summary>
    internal static bool IsLocal(DockerEndpoint endpoint) => endpoint.Host.Scheme switch
    {
        "unix" or "npipe" => true,
        _ => endpoint.Host.Host is "localhost" || (IPAddress.TryParse(endpoint.Host.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)),
    };

    private async Task<NetworkResponse?> FindAsync(CancellationToken cancellationToken)
    {
        // The engine's name filter matches substrings: compare the whole name.
        var networks = await _client.ListNetworksAsync(DockerFilters.Empty.Add("name", NetworkName), cancellationToken).ConfigureAwait(false);
        return networks.FirstOrDefault(n => n.Name == NetworkName);
    }

    private static string Message(Exception e) => e is DockerApiException api ? api.EngineMessage : e.Message;
}
