namespace Orchestrator.Networking;

/// <summary>
/// Settings of the Service data plane: the in-process Service proxy and the cluster DNS server (section
/// <c>Orchestrator:Services</c>, property <see cref="Hosting.OrchestratorOptions.Services"/>).
/// </summary>
public sealed record ServiceNetworkingOptions
{
    /// <summary>The default cluster domain, <c>cluster.local</c>.</summary>
    public const string DefaultClusterDomain = "cluster.local";

    /// <summary>Whether the Service proxy and cluster DNS run at all; true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// The DNS domain of the cluster: Services are named <c>&lt;svc&gt;.&lt;ns&gt;.svc.&lt;ClusterDomain&gt;</c>;
    /// <see cref="DefaultClusterDomain"/>.
    /// </summary>
    public string ClusterDomain { get; init; } = DefaultClusterDomain;

    /// <summary>
    /// The addresses NodePort (and LoadBalancer) Services listen on, as IP address strings; null (default) means
    /// <c>127.0.0.1</c> plus the pod-facing addresses of the registered <see cref="IServiceHostNetwork"/>.
    /// </summary>
    public IReadOnlyList<string>? NodePortAddresses { get; init; }

    /// <summary>
    /// The DNS servers names outside the cluster domain are forwarded to, as <c>ip</c> or <c>ip:port</c>; null (default)
    /// reads the <c>nameserver</c> lines of <c>/etc/resolv.conf</c>. The cluster DNS server's own addresses and Docker's
    /// embedded DNS (<c>127.0.0.11</c>) are always skipped. An empty list disables forwarding (SERVFAIL).
    /// </summary>
    public IReadOnlyList<string>? UpstreamDnsServers { get; init; }

    /// <summary>
    /// An extra endpoint the cluster DNS server listens on (UDP and TCP), as <c>ip:port</c>, for example
    /// <c>127.0.0.1:5353</c> (port 0 picks a free port); null (default) for none. It serves even when no
    /// <see cref="IServiceHostNetwork"/> is registered.
    /// </summary>
    public string? DnsEndPoint { get; init; }

    /// <summary>How long the proxy waits for a connection to one backend before it tries the next; 1 second.</summary>
    public TimeSpan BackendConnectTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an idle UDP flow keeps its backend socket; 30 seconds.</summary>
    public TimeSpan UdpFlowIdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the DNS server waits for an upstream server before it tries the next one; 2 seconds.</summary>
    public TimeSpan UpstreamDnsTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the pod-facing addresses are re-read (DNS and NodePort listeners follow them); 10 seconds.</summary>
    public TimeSpan AddressRefreshInterval { get; init; } = TimeSpan.FromSeconds(10);
}
