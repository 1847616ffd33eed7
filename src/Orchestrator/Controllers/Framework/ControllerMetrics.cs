using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orchestrator.Controllers;

/// <summary>The instruments of <see cref="ControllerDiagnostics.MeterName"/>; one instance per service provider.</summary>
internal sealed class ControllerMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _reconciles;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _retries;
    private readonly ConcurrentDictionary<object, (string Controller, Func<int> Depth)> _queues = new();

    public ControllerMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(ControllerDiagnostics.MeterName) ?? new Meter(ControllerDiagnostics.MeterName);
        _reconciles = _meter.CreateCounter<long>("orchestrator.controller.reconciles", "{reconcile}", "Reconcile calls by controller and result.");
        _duration = _meter.CreateHistogram<double>("orchestrator.controller.reconcile.duration", "s", "Duration of reconcile calls.");
        _retries = _meter.CreateCounter<long>("orchestrator.controller.retries", "{retry}", "Keys re-added through the rate limiter.");
        _meter.CreateObservableGauge("orchestrator.controller.queue.depth", ObserveDepths, "{key}", "Keys pending in each controller's work queue.");
    }

    public void Reconciled(string controller, string result, TimeSpan duration)
    {
        var tags = new TagList { { "controller", controller }, { "result", result } };
        _reconciles.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    public void Retried(string controller) => _retries.Add(1, new KeyValuePair<string, object?>("controller", controller));

    /// <summary>Reports <paramref name="depth"/> as the queue depth of <paramref name="controller"/> until disposed.</summary>
    public IDisposable TrackQueue(string controller, Func<int> depth)
    {
        var token = new object();
        _queues[token] = (controller, depth);
        return new Untrack(this, token);
    }

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }

    private IEnumerable<Measurement<int>> ObserveDepths() =>
        _queues.Values.Select(q => new Measurement<int>(q.Depth(), new KeyValuePair<string, object?>("controller", q.Controller)));

    private sealed class Untrack(ControllerMetrics owner, object token) : IDisposable
    {
        public void Dispose() => owner._queues.TryRemove(token, out _);
    }
}
