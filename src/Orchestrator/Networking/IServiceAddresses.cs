using System.Net;

namespace Orchestrator.Networking;

/// <summary>
/// Host-reachable addresses of Services, for the embedding process and test harnesses. Registered by
/// <see cref="ServiceNetworkingServiceCollectionExtensions.AddServiceNetworking"/>.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public interface IServiceAddresses
{
    /// <summary>
    /// Returns a loopback endpoint (<c>127.0.0.1:&lt;ephemeral&gt;</c>) that forwards each connection (TCP) or flow (UDP)
    /// to a ready endpoint of the given Service port. Waits, bounded by <paramref name="cancellationToken"/>, until the
    /// Service exists, has that port and its listener is bound; the endpoint then stays the same as long as the Service
    /// and its port exist.
    /// </summary>
    /// <param name="namespace">The Service's namespace.</param>
    /// <param name="name">The Service's name.</param>
    /// <param name="port">The Service port (<c>spec.ports[].port</c>), not the target port.</param>
    /// <param name="cancellationToken">Bounds the wait; a token that cannot be cancelled waits at most one minute.</param>
    /// <exception cref="ServiceNotFoundException">The wait ended before the Service port had a listener; the message names
    /// the Service and port and says why (no such Service, no such port, ExternalName, or the proxy has not started because
    /// the host has not).</exception>
    /// <exception cref="InvalidOperationException">Service networking is disabled (<see cref="ServiceNetworkingOptions.Enabled"/> is false).</exception>
    ValueTask<IPEndPoint> GetServiceAddressAsync(string @namespace, string name, int port, CancellationToken cancellationToken = default);
}
