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

    private async Task<NetworkResponse?> FindAsync(CancellationToken cancellationToken)
    {
        // The engine's name filter matches substrings: compare the whole name.
        var networks = await _client.ListNetworksAsync(DockerFilters.Empty.Add("name", NetworkName), cancellationToken).ConfigureAwait(false);
        return networks.FirstOrDefault(n => n.Name == NetworkName);
    }

    private static string Message(Exception e) => e is DockerApiException api ? api.EngineMessage : e.Message;
}
