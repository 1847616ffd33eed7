using System.Net;

namespace Orchestrator.Networking;

/// <summary>
/// The host side of the Service data plane, implemented by a network provider (Docker: <c>DockerServiceHostNetwork</c>).
/// When one is registered, the Service proxy binds each Service's virtual IP (<c>spec.clusterIP</c>) and the cluster DNS
/// server listens on port 53 of every pod-facing address; when none is registered, only the loopback frontends and
/// NodePorts on <c>127.0.0.1</c> run and cluster DNS is off.
/// </summary>
/// <remarks>All members are thread-safe. Register it as a singleton.</remarks>
public interface IServiceHostNetwork
{
    /// <summary>
    /// Addresses of this machine that pods reach (Docker: the gateway of each node's pod network). Cluster DNS listens
    /// on port 53 of each; NodePorts listen on them too. The set may grow as nodes join, so callers call again when
    /// nodes change.
    /// </summary>
    ValueTask<IReadOnlyList<IPAddress>> GetPodFacingAddressesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes a Service virtual IP a local address of this machine, so that a listener can bind it and pods reach it.
    /// Idempotent: adding an address that is already present succeeds.
    /// </summary>
    /// <exception cref="NetworkException">Not permitted (for example without CAP_NET_ADMIN); the message says what to do.</exception>
    ValueTask AddVirtualAddressAsync(IPAddress address, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes an address this process added with <see cref="AddVirtualAddressAsync"/>. Idempotent: removing an address
    /// that is absent (or was never added) succeeds.
    /// </summary>
    ValueTask RemoveVirtualAddressAsync(IPAddress address, CancellationToken cancellationToken = default);
}
