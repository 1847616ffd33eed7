using System.Net;

namespace Orchestrator.Networking.Services;

/// <summary>The proxy's state of one Service: its virtual IP and a <see cref="ProxiedPort"/> per (protocol, port).</summary>
internal sealed class ProxiedService
{
    /// <summary>The virtual IP added through the host network, or null.</summary>
    public IPAddress? VirtualIp { get; set; }

    public Dictionary<(string Protocol, int Port), ProxiedPort> Ports { get; } = [];

    /// <summary>The (namespace, name, port) keys this Service published to <see cref="IServiceAddresses"/>.</summary>
    public List<(string Namespace, string Name, int Port)> Published { get; } = [];
}

/// <summary>One proxied Service port: its balancer and its listeners, keyed by the requested bind endpoint.</summary>
internal sealed class ProxiedPort(PortBalancer balancer, bool udp)
{
    public PortBalancer Balancer { get; } = balancer;

    public bool Udp { get; } = udp;

    /// <summary>Listeners by requested endpoint (the loopback one is requested as <c>127.0.0.1:0</c>).</summary>
    public Dictionary<IPEndPoint, IFrontend> Frontends { get; } = [];

    /// <summary>Requested endpoints whose bind failed and was reported, so that retries log at debug level only.</summary>
    public HashSet<IPEndPoint> Reported { get; } = [];
}
