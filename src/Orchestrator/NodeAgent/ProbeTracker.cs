using Orchestrator.Api;
using Orchestrator.Runtime;

namespace Orchestrator.NodeAgent;

/// <summary>
/// The probe results of one container instance (kubelet's prober results cache plus worker counters). Written by probe
/// workers, read by the pod's sync; all members are thread-safe.
/// </summary>
internal sealed class ProbeTracker
{
    private readonly object _gate = new();
    private readonly int[] _successes = new int[3];
    private readonly int[] _failures = new int[3];
    private readonly DateTimeOffset[] _due = new DateTimeOffset[3];
    private bool _ready;
    private bool _started;
    private string? _killReason;
    private readonly DateTimeOffset _ticker;

    /// <param name="containerId">The instance probed.</param>
    /// <param name="container">Its spec (the probes).</param>
    /// <param name="startedAt">When the instance started.</param>
    /// <param name="ticker">
    /// When the pod's probe ticks started (the kubelet starts a probe worker's ticker when it admits the pod, and keeps
    /// it across container restarts); <paramref name="startedAt"/> when null or later.
    /// </param>
    public ProbeTracker(string containerId, Container container, DateTimeOffset startedAt, DateTimeOffset? ticker = null)
    {
        ContainerId = containerId;
        Container = container;
        StartedAt = startedAt;
        _ticker = ticker is { } t && t <= startedAt ? t : startedAt;
        _started = container.StartupProbe is null;
        // Without a readiness probe a container is ready as soon as it has started.
        _ready = container.ReadinessProbe is null && _started;
        for (var kind = 0; kind < _due.Length; kind++)
        {
            _due[kind] = startedAt + TimeSpan.FromSeconds(ProbeOf(container, (ProbeKind)kind)?.InitialDelaySeconds ?? 0);
        }
    }

    /// <summary>
    /// When the next attempt of <paramref name="kind"/> is due: start + initialDelaySeconds, then on the pod's ticker,
    /// every periodSeconds.
    /// </summary>
    /// <remarks>
    /// The cadence is fixed like a ticker's: a late attempt does not push the later ones back. As with the kubelet
    /// (whose probe worker ticks from the pod's admission and probes a freshly started container at once), the attempt
    /// after the first comes at the pod's next tick, at most a period later.
    /// </remarks>
    public DateTimeOffset DueAt(ProbeKind kind)
    {
        lock (_gate) return _due[(int)kind];
    }

    /// <summary>Moves the next attempt of <paramref name="kind"/> to the next tick and returns when it is due.</summary>
    public DateTimeOffset Advance(ProbeKind kind, TimeSpan period)
    {
        lock (_gate) return _due[(int)kind] = NextTick(_due[(int)kind], period);
    }

    /// <summary>The first tick of the pod's ticker strictly after <paramref name="time"/>.</summary>
    private DateTimeOffset NextTick(DateTimeOffset time, TimeSpan period)
    {
        if (period <= TimeSpan.Zero || time < _ticker) return time + period;
        var ticks = (time - _ticker).Ticks / period.Ticks + 1;
        return _ticker + TimeSpan.FromTicks(ticks * period.Ticks);
    }

    public string ContainerId { get; }

    public Container Container { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Set when the tracker is abandoned (container restarted or pod gone); its probes stop.</summary>
    public bool Stopped { get; set; }

    public bool Ready
    {
        get
        {
            lock (_gate) return _ready && _started;
        }
    }

    public bool Started
    {
        get
        {
            lock (_gate) return _started;
        }
    }

    /// <summary>Why the container must be killed (liveness or startup failure), or null.</summary>
    public string? KillReason
    {
        get
        {
            lock (_gate) return _killReason;
        }
    }

    public static Probe? ProbeOf(Container container, ProbeKind kind) => kind switch
    {
        ProbeKind.Liveness => container.LivenessProbe,
        ProbeKind.Readiness => container.ReadinessProbe,
        ProbeKind.Startup => container.StartupProbe,
        _ => null,
    };

    /// <summary>Records one attempt; returns true when the container's ready/started/kill state changed.</summary>
    public bool Record(ProbeKind kind, Probe probe, bool success)
    {
        var i = (int)kind;
        lock (_gate)
        {
            if (success)
            {
                _successes[i]++;
                _failures[i] = 0;
            }
            else
            {
                _failures[i]++;
                _successes[i] = 0;
            }
            var failed = _failures[i] >= Math.Max(1, probe.FailureThreshold);
            var passed = _successes[i] >= Math.Max(1, probe.SuccessThreshold);
            switch (kind)
            {
                case ProbeKind.Readiness:
                    if (passed && !_ready) return _ready = true;
                    if (failed && _ready)
                    {
                        _ready = false;
                        return true;
                    }
                    return false;
                case ProbeKind.Startup:
                    if (success && !_started)
                    {
                        _started = true;
                        // A container without a readiness probe becomes ready once it has started.
                        if (Container.ReadinessProbe is null) _ready = true;
                        return true;
                    }
                    if (failed && !_started && _killReason is null)
                    {
                        _killReason = $"Container {Container.Name} failed startup probe, will be restarted";
                        return true;
                    }
                    return false;
                case ProbeKind.Liveness:
                    if (failed && _killReason is null)
                    {
                        _killReason = $"Container {Container.Name} failed liveness probe, will be restarted";
                        return true;
                    }
                    return false;
                default:
                    return false;
            }
        }
    }
}
