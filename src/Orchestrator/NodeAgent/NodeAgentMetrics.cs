using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Orchestrator.NodeAgent;

/// <summary>The instruments of <see cref="NodeAgentDiagnostics.MeterName"/>; one instance per host.</summary>
internal sealed class NodeAgentMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _startup;
    private readonly Histogram<double> _sync;
    private readonly Counter<long> _restarts;
    private readonly ConcurrentDictionary<string, StrongBox> _running = new(StringComparer.Ordinal);

    public NodeAgentMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(NodeAgentDiagnostics.MeterName) ?? new Meter(NodeAgentDiagnostics.MeterName);
        _startup = _meter.CreateHistogram<double>("orchestrator.nodeagent.pod.startup.duration", "s", "Time from pod creation to Running.");
        _sync = _meter.CreateHistogram<double>("orchestrator.nodeagent.pod.sync.duration", "s", "Time per pod synchronisation.");
        _restarts = _meter.CreateCounter<long>("orchestrator.nodeagent.container.restarts", "{restart}", "Containers restarted.");
        _meter.CreateObservableGauge("orchestrator.nodeagent.pods.running", ObserveRunning, "{pod}", "Pods reported Running.");
    }

    public void PodStarted(TimeSpan latency) => _startup.Record(latency.TotalSeconds);

    public void PodSynced(TimeSpan duration) => _sync.Record(duration.TotalSeconds);

    public void ContainerRestarted(string node) => _restarts.Add(1, new KeyValuePair<string, object?>("node", node));

    public void RunningChanged(string node, int delta) => Interlocked.Add(ref _running.GetOrAdd(node, _ => new StrongBox()).Value, delta);

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }

    private IEnumerable<Measurement<int>> ObserveRunning() =>
        _running.Select(kv => new Measurement<int>(Volatile.Read(ref kv.Value.Value), new KeyValuePair<string, object?>("node", kv.Key)));

    private sealed class StrongBox
    {
        public int Value;
    }
}
