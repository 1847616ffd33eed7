using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orchestrator.Scheduling;

/// <summary>The instruments of the <c>Orchestrator.Scheduler</c> meter; one instance per service provider.</summary>
internal sealed class SchedulerMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Orchestrator.Scheduler";

    /// <summary>The <c>result</c> tag of a pod bound to a node.</summary>
    public const string Scheduled = "scheduled";

    /// <summary>The <c>result</c> tag of a pod no node fits.</summary>
    public const string Unschedulable = "unschedulable";

    /// <summary>The <c>result</c> tag of an attempt that failed with an error (a plugin or the binding).</summary>
    public const string Error = "error";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _attemptDuration;
    private readonly Histogram<double> _podSchedulingDuration;
    private volatile PendingCounts _pending = new(0, 0);

    public SchedulerMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _attempts = _meter.CreateCounter<long>(
            "orchestrator.scheduler.attempts", "{attempt}", "Scheduling attempts by result (scheduled, unschedulable, error) and profile.");
        _attemptDuration = _meter.CreateHistogram<double>(
            "orchestrator.scheduler.attempt.duration", "s", "Scheduling latency: one attempt from taking the pod off the queue to a decision.");
        _podSchedulingDuration = _meter.CreateHistogram<double>(
            "orchestrator.scheduler.pod_scheduling.duration", "s", "From a pod's first entry in the queue to its successful binding, over all attempts.");
        _meter.CreateObservableGauge("orchestrator.scheduler.pending_pods", ObservePending, "{pod}", "Pods waiting to be scheduled, by queue.");
    }

    /// <summary>Records one attempt's result and duration.</summary>
    public void Attempted(string profile, string result, TimeSpan duration)
    {
        var tags = new TagList { { "result", result }, { "profile", profile } };
        _attempts.Add(1, tags);
        _attemptDuration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>Records a successful binding, <paramref name="sinceFirstQueued"/> after the pod was first queued.</summary>
    public void Bound(TimeSpan sinceFirstQueued, int attempts) =>
        _podSchedulingDuration.Record(sinceFirstQueued.TotalSeconds, new KeyValuePair<string, object?>("attempts", attempts));

    /// <summary>
    /// Publishes the queue sizes for the pending-pods gauge: <c>queue=queued</c> (waiting for an attempt, including back-off)
    /// and <c>queue=unschedulable</c> (waiting for a cluster change).
    /// </summary>
    public void SetPending(int queued, int unschedulable) => _pending = new PendingCounts(queued - unschedulable, unschedulable);

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }

    private IEnumerable<Measurement<int>> ObservePending()
    {
        var pending = _pending;
        yield return new Measurement<int>(pending.Queued, new KeyValuePair<string, object?>("queue", "queued"));
        yield return new Measurement<int>(pending.Unschedulable, new KeyValuePair<string, object?>("queue", "unschedulable"));
    }

    private sealed record PendingCounts(int Queued, int Unschedulable);
}
