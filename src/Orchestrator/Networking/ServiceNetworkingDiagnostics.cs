namespace Orchestrator.Networking;

/// <summary>
/// Names of the Service data plane's diagnostics. Meter <see cref="MeterName"/>:
/// <list type="bullet">
/// <item><c>orchestrator.service_proxy.connections</c> (counter): TCP connections accepted and UDP flows opened, by
/// <c>protocol</c>;</item>
/// <item><c>orchestrator.service_proxy.active_connections</c> (up-down counter): TCP connections being relayed and UDP
/// flows open, by <c>protocol</c>;</item>
/// <item><c>orchestrator.service_proxy.bytes</c> (counter): payload bytes relayed, by <c>protocol</c> and
/// <c>direction</c> (<c>to_backend</c>, <c>to_client</c>);</item>
/// <item><c>orchestrator.service_proxy.backend_connect_failures</c> (counter): backends that refused or timed out a
/// connection (the next backend is then tried);</item>
/// <item><c>orchestrator.service_proxy.rejected</c> (counter): connections closed because no backend was ready or
/// every backend failed, by <c>reason</c> (<c>no_endpoints</c>, <c>all_failed</c>);</item>
/// <item><c>orchestrator.dns.queries</c> (counter): queries answered by the cluster DNS server, by <c>transport</c>
/// (<c>udp</c>, <c>tcp</c>) and <c>rcode</c> (<c>NOERROR</c>, <c>NXDOMAIN</c>, <c>SERVFAIL</c>, ...), and whether they
/// were <c>forwarded</c>.</item>
/// </list>
/// </summary>
public static class ServiceNetworkingDiagnostics
{
    /// <summary>The meter of the Service proxy and the cluster DNS server: <c>Orchestrator.Networking</c>.</summary>
    public const string MeterName = "Orchestrator.Networking";
}
