using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>
/// A periodic health check of a container (Kubernetes <c>Probe</c>); exactly one of
/// <see cref="Exec"/>, <see cref="HttpGet"/>, <see cref="TcpSocket"/> and <see cref="Grpc"/> is set.
/// </summary>
public sealed record Probe
{
    /// <summary>Run a command in the container; exit code 0 is success.</summary>
    public ExecAction? Exec { get; init; }

    /// <summary>An HTTP GET; a status from 200 to 399 is success.</summary>
    public HttpGetAction? HttpGet { get; init; }

    /// <summary>A TCP connect; an accepted connection is success.</summary>
    public TcpSocketAction? TcpSocket { get; init; }

    /// <summary>A gRPC health check.</summary>
    public GrpcAction? Grpc { get; init; }

    /// <summary>Seconds after the container started before the first probe.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int InitialDelaySeconds { get; init; }

    /// <summary>Seconds after which one probe attempt times out; defaults to 1.</summary>
    public int TimeoutSeconds { get; init; } = 1;

    /// <summary>Seconds between probes; defaults to 10.</summary>
    public int PeriodSeconds { get; init; } = 10;

    /// <summary>Consecutive successes after a failure to count as healthy; defaults to 1 (must be 1 for liveness and startup).</summary>
    public int SuccessThreshold { get; init; } = 1;

    /// <summary>Consecutive failures to count as unhealthy; defaults to 3.</summary>
    public int FailureThreshold { get; init; } = 3;

    /// <summary>Grace period used instead of the pod's when this probe's failure kills the container.</summary>
    public long? TerminationGracePeriodSeconds { get; init; }

    /// <summary>How many handlers are set; a valid probe has exactly one.</summary>
    internal int HandlerCount =>
        (Exec is null ? 0 : 1) + (HttpGet is null ? 0 : 1) + (TcpSocket is null ? 0 : 1) + (Grpc is null ? 0 : 1);
}

/// <summary>Runs a command in the container (Kubernetes <c>ExecAction</c>).</summary>
public sealed record ExecAction
{
    /// <summary>The command and its arguments; not run in a shell.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];
}

/// <summary>An HTTP GET against the pod (Kubernetes <c>HTTPGetAction</c>).</summary>
public sealed record HttpGetAction
{
    /// <summary>The request path.</summary>
    public string? Path { get; init; }

    /// <summary>The port number, or the name of a container port.</summary>
    public IntOrString Port { get; init; }

    /// <summary>The host to connect to; the pod IP when unset.</summary>
    public string? Host { get; init; }

    /// <summary><c>HTTP</c> (the default) or <c>HTTPS</c>.</summary>
    public string Scheme { get; init; } = "HTTP";

    /// <summary>Extra request headers.</summary>
    public IReadOnlyList<HttpHeader> HttpHeaders { get; init; } = [];
}

/// <summary>An HTTP header (Kubernetes <c>HTTPHeader</c>).</summary>
public sealed record HttpHeader
{
    /// <summary>The header name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The header value.</summary>
    public string Value { get; init; } = "";
}

/// <summary>A TCP connection to the pod (Kubernetes <c>TCPSocketAction</c>).</summary>
public sealed record TcpSocketAction
{
    /// <summary>The port number, or the name of a container port.</summary>
    public IntOrString Port { get; init; }

    /// <summary>The host to connect to; the pod IP when unset.</summary>
    public string? Host { get; init; }
}

/// <summary>A gRPC health check (Kubernetes <c>GRPCAction</c>).</summary>
public sealed record GrpcAction
{
    /// <summary>The port number.</summary>
    public int Port { get; init; }

    /// <summary>The service name sent in the health check request; empty for the server's overall health.</summary>
    public string? Service { get; init; }
}

/// <summary>Actions the runtime runs around a container's start and stop (Kubernetes <c>Lifecycle</c>).</summary>
public sealed record Lifecycle
{
    /// <summary>Runs right after the container is created; the container is killed if it fails.</summary>
    public LifecycleHandler? PostStart { get; init; }

    /// <summary>Runs before the container is stopped; counts against the termination grace period.</summary>
    public LifecycleHandler? PreStop { get; init; }
}

/// <summary>One lifecycle action (Kubernetes <c>LifecycleHandler</c>); exactly one member is set.</summary>
public sealed record LifecycleHandler
{
    /// <summary>Run a command in the container.</summary>
    public ExecAction? Exec { get; init; }

    /// <summary>Send an HTTP GET.</summary>
    public HttpGetAction? HttpGet { get; init; }

    /// <summary>Open a TCP connection (deprecated, accepted for compatibility).</summary>
    public TcpSocketAction? TcpSocket { get; init; }

    /// <summary>Sleep for a number of seconds.</summary>
    public SleepAction? Sleep { get; init; }

    /// <summary>How many actions are set; a valid handler has exactly one.</summary>
    internal int HandlerCount =>
        (Exec is null ? 0 : 1) + (HttpGet is null ? 0 : 1) + (TcpSocket is null ? 0 : 1) + (Sleep is null ? 0 : 1);
}

/// <summary>Sleeps (Kubernetes <c>SleepAction</c>).</summary>
public sealed record SleepAction
{
    /// <summary>Seconds to sleep.</summary>
    public long Seconds { get; init; }
}
