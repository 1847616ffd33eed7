using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Networking.Services;

/// <summary>What every frontend of one proxy shares: settings, clock, logger, metrics and the open relays (closed on stop).</summary>
internal sealed class ProxyContext(ServiceNetworkingOptions options, TimeProvider time, ILogger logger, ServiceProxyMetrics metrics)
{
    /// <summary>The size of each relay buffer; one per direction of a TCP connection, pooled.</summary>
    public const int BufferSize = 64 * 1024;

    private readonly ConcurrentDictionary<IDisposable, byte> _open = new(ReferenceEqualityComparer.Instance);

    public ServiceNetworkingOptions Options { get; } = options;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;

    public ServiceProxyMetrics Metrics { get; } = metrics;

    /// <summary>How many TCP connections and UDP flows are being relayed.</summary>
    public int OpenCount => _open.Count;

    public void Track(IDisposable relay) => _open.TryAdd(relay, 0);

    public void Untrack(IDisposable relay) => _open.TryRemove(relay, out _);

    /// <summary>Closes every open relay (the proxy is stopping).</summary>
    public void CloseAll()
    {
        foreach (var relay in _open.Keys) relay.Dispose();
        _open.Clear();
    }
}
