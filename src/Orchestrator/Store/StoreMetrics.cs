using System.Diagnostics.Metrics;

namespace Orchestrator.Store;

/// <summary>
/// The store's instruments on the meter <c>Orchestrator.Store</c>: <c>orchestrator.store.writes</c> (committed writes by
/// <c>kind</c> and <c>verb</c>), <c>orchestrator.store.watches</c> (open watches by <c>kind</c>) and
/// <c>orchestrator.store.watch_overflows</c> (watchers failed for falling behind, by <c>kind</c>).
/// Recording costs a flag check when nobody listens and does not allocate otherwise.
/// </summary>
internal sealed class StoreMetrics : IDisposable
{
    /// <summary>The meter name to listen to.</summary>
    public const string MeterName = "Orchestrator.Store";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _writes;
    private readonly UpDownCounter<long> _watches;
    private readonly Counter<long> _overflows;

    public StoreMetrics()
    {
        _writes = _meter.CreateCounter<long>("orchestrator.store.writes", "{write}", "Writes committed to the object store, by kind and verb.");
        _watches = _meter.CreateUpDownCounter<long>("orchestrator.store.watches", "{watch}", "Open watches, by kind.");
        _overflows = _meter.CreateCounter<long>("orchestrator.store.watch_overflows", "{watch}", "Watches failed because they fell behind, by kind.");
    }

    /// <summary>This store's meter (one per store, so that tests can tell stores apart).</summary>
    public Meter Meter => _meter;

    public void Write(string kind, string verb)
    {
        if (_writes.Enabled) _writes.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("verb", verb));
    }

    public void WatchOpened(string kind)
    {
        if (_watches.Enabled) _watches.Add(1, new KeyValuePair<string, object?>("kind", kind));
    }

    public void WatchClosed(string kind)
    {
        if (_watches.Enabled) _watches.Add(-1, new KeyValuePair<string, object?>("kind", kind));
    }

    public void WatchOverflowed(string kind)
    {
        if (_overflows.Enabled) _overflows.Add(1, new KeyValuePair<string, object?>("kind", kind));
    }

    public void Dispose() => _meter.Dispose();
}
