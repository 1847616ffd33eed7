namespace Orchestrator.Docker.Engine;

/// <summary>POST /containers/{id}/exec body: a command to run in a running container, its output captured.</summary>
internal sealed record ExecCreateRequest
{
    public required IReadOnlyList<string> Cmd { get; init; }
    public IReadOnlyList<string>? Env { get; init; }
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    public bool Privileged { get; init; }
    public bool Tty { get; init; }
    public bool AttachStdin { get; init; }
    public bool AttachStdout { get; init; } = true;
    public bool AttachStderr { get; init; } = true;
}

/// <summary>POST /exec/{id}/start body.</summary>
internal sealed record ExecStartRequest
{
    public bool Detach { get; init; }
    public bool Tty { get; init; }
}

/// <summary>GET /exec/{id}/json: whether the exec process still runs and its exit code once it ended.</summary>
internal sealed record ExecInspectResponse
{
    public string? ID { get; init; }
    public string? ContainerID { get; init; }
    public bool Running { get; init; }
    public int? ExitCode { get; init; }
    public int Pid { get; init; }
}
