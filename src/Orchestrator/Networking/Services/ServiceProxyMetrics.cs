using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orchestrator.Networking.Services;

/// <summary>The instruments of <see cref="ServiceNetworkingDiagnostics.MeterName"/>; one instance per service provider.</summary>
internal sealed class ServiceProxyMetrics : IDisposable
{
    private static readonly KeyValuePair<string, object?> Tcp = new("protocol", "tcp");
    private static readonly KeyValuePair<string, object?> Udp = new("protocol", "udp");
    private static readonly KeyValuePair<string, object?> ToBackend = new("direction", "to_backend");
    private static readonly KeyValuePair<string, object?> ToClient = new("direction", "to_client");

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _connections;
    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _connectFailures;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _dnsQueries;

    public ServiceProxyMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(ServiceNetworkingDiagnostics.MeterName) ?? new Meter(ServiceNetworkingDiagnostics.MeterName);
        _connections = _meter.CreateCounter<long>("orchestrator.service_proxy.connections", "{connection}", "TCP connections accepted and UDP flows opened.");
        _active = _meter.CreateUpDownCounter<long>("orchestrator.service_proxy.active_connections", "{connection}", "TCP connections relayed and UDP flows open.");
        _bytes = _meter.CreateCounter<long>("orchestrator.service_proxy.bytes", "By", "Payload bytes relayed.");
        _connectFailures = _meter.CreateCounter<long>("orchestrator.service_proxy.backend_connect_failures", "{failure}", "Backend connections that failed or timed out.");
        _rejected = _meter.CreateCounter<long>("orchestrator.service_proxy.rejected", "{connection}", "Connections closed without a backend.");
        _dnsQueries = _meter.CreateCounter<long>("orchestrator.dns.queries", "{query}", "Queries answered by the cluster DNS server.");
    }

    public void Opened(bool udp)
    {
        var tag = udp ? Udp : Tcp;
        _connections.Add(1, tag);
        _active.Add(1, tag);
    }

    public void Closed(bool udp) => _active.Add(-1, udp ? Udp : Tcp);

    public void Relayed(bool udp, bool toBackend, long bytes)
    {
        if (bytes > 0) _bytes.Add(bytes, udp ? Udp : Tcp, toBackend ? ToBackend : ToClient);
    }

    public void ConnectFailed() => _connectFailures.Add(1);

    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void DnsQuery(string transport, string rcode, bool forwarded)
    {
        var tags = new TagList { { "transport", transport }, { "rcode", rcode }, { "forwarded", forwarded } };
        _dnsQueries.Add(1, tags);
    }

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }
}
