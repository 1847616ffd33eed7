namespace Orchestrator.Runtime;

/// <summary>
/// Optional runtime capability: the runtime answers a container's probes itself. Without it the agent runs exec probes
/// through <see cref="IContainerExec"/> and connects to the pod IP for httpGet and tcpSocket probes. A runtime implements
/// this when pod IPs are not reachable from the agent's process (the simulated runtime, whose containers do not exist;
/// a Docker daemon in a VM) or when it can probe more cheaply from inside the sandbox.
/// </summary>
public interface IContainerProbes
{
    /// <summary>
    /// Runs one probe attempt against a running container and reports the outcome. Must finish within
    /// <see cref="ProbeRequest.Timeout"/> (a timeout is a <see cref="ProbeResult.Failure"/>). Never throws for a probe that
    /// fails; throws <see cref="ContainerRuntimeException"/> only when the container does not exist.
    /// </summary>
    ValueTask<ProbeResult> ProbeAsync(string containerId, ProbeRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Which probe of a container an attempt belongs to.</summary>
public enum ProbeKind
{
    /// <summary><c>livenessProbe</c>: failure restarts the container.</summary>
    Liveness,

    /// <summary><c>readinessProbe</c>: failure marks the container not ready.</summary>
    Readiness,

    /// <summary><c>startupProbe</c>: the other probes wait until it succeeds once.</summary>
    Startup,

    /// <summary>The httpGet or tcpSocket action of a <c>postStart</c> or <c>preStop</c> lifecycle hook.</summary>
    LifecycleHook,
}

/// <summary>One probe attempt with its handler resolved (named ports looked up, host defaulted to the pod IP).</summary>
public sealed record ProbeRequest
{
    /// <summary>Which probe this is.</summary>
    public required ProbeKind Kind { get; init; }

    /// <summary>The time the attempt may take.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>For exec probes: the command.</summary>
    public IReadOnlyList<string>? ExecCommand { get; init; }

    /// <summary>For httpGet probes: the URL (<c>http://10.244.0.5:8080/healthz</c>).</summary>
    public Uri? HttpUrl { get; init; }

    /// <summary>For httpGet probes: extra headers.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> HttpHeaders { get; init; } = [];

    /// <summary>For tcpSocket probes: the host.</summary>
    public string? TcpHost { get; init; }

    /// <summary>For tcpSocket probes: the port.</summary>
    public int? TcpPort { get; init; }
}

/// <summary>The outcome of one probe attempt.</summary>
/// <param name="Success">True when the probe passed.</param>
/// <param name="Message">Why it failed (shown in the <c>Unhealthy</c> event); null on success.</param>
public readonly record struct ProbeResult(bool Success, string? Message = null)
{
    /// <summary>A passing attempt.</summary>
    public static ProbeResult Passed { get; } = new(true);

    /// <summary>A failing attempt with a message.</summary>
    public static ProbeResult Failure(string message) => new(false, message);
}
