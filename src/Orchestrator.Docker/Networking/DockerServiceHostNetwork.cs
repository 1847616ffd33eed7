using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Networking;

namespace Orchestrator.Docker.Networking;

/// <summary>
/// The host side of the Service data plane for Docker nodes whose engines run on this machine. Pods reach this
/// machine at the gateway of their pod network (every engine's bridges are interfaces of this kernel), so the
/// gateways are the pod-facing addresses; Service virtual IPs become addresses on <c>lo</c>
/// (see <see cref="LoopbackAddresses"/>), which containers of every local engine reach with their own IP as the source.
/// </summary>
/// <remarks>
/// Nodes on engines of other machines contribute no pod-facing address (their pods cannot reach this machine's
/// listeners through their gateway). Disposal removes the virtual addresses this instance added.
/// </remarks>
internal sealed class DockerServiceHostNetwork : IServiceHostNetwork, IAsyncDisposable, IDisposable
{
    private readonly IReadOnlyList<DockerNetworkProvider> _networks;
    private readonly LoopbackAddresses _addresses;
    private readonly ILogger _logger;

    /// <param name="networks">The pod networks of the nodes; those of remote engines are ignored.</param>
    /// <param name="addresses">Manages the virtual addresses on <c>lo</c>; disposed with this instance.</param>
    /// <param name="logger">Logs engines that cannot be read.</param>
    public DockerServiceHostNetwork(IEnumerable<DockerNetworkProvider> networks, LoopbackAddresses addresses, ILogger? logger = null)
    {
        _networks = [.. networks.Where(n => n.IsLocalEngine)
            .DistinctBy(n => (n.EngineAddress, n.NetworkName))];
        _addresses = addresses;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Reads each local pod network's gateway from its engine on every call (one inspect per engine). An engine that
    /// does not answer is logged and left out, so one unavailable engine does not take cluster DNS away from the others.
    /// </remarks>
    public async ValueTask<IReadOnlyList<IPAddress>> GetPodFacingAddressesAsync(CancellationToken cancellationToken = default)
    {
        var gateways = await Task.WhenAll(_networks.Select(async network =>
        {
            try
            {
                return await network.GetGatewayAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NetworkException e)
            {
                DockerServiceNetworkLog.GatewayFailed(_logger, network.NetworkName ?? "", network.EngineAddress, e.Message);
                return null;
            }
        })).ConfigureAwait(false);
        return [.. gateways.OfType<IPAddress>().Distinct()];
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Adds <c>&lt;address&gt;/32</c> to <c>lo</c> with the label <c>lo:orch</c> (<c>/128</c> for IPv6). An address that is
    /// already present is a success; it is removed later only if it carries that label (a leftover of an earlier run).
    /// Fails fast, with a message naming root / CAP_NET_ADMIN, when the process may not change addresses.
    /// </remarks>
    public async ValueTask AddVirtualAddressAsync(IPAddress address, CancellationToken cancellationToken = default) =>
        await _addresses.AddAsync(address, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask RemoveVirtualAddressAsync(IPAddress address, CancellationToken cancellationToken = default) =>
        await _addresses.RemoveAsync(address, cancellationToken).ConfigureAwait(false);

    /// <summary>Removes the virtual addresses this instance added. Idempotent.</summary>
    public ValueTask DisposeAsync() => _addresses.DisposeAsync();

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => _addresses.Dispose();
}
