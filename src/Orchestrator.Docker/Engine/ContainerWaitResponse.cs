namespace Orchestrator.Docker.Engine;

/// <summary>POST /containers/{id}/wait: the exit status once the awaited condition holds.</summary>
internal sealed record ContainerWaitResponse
{
    public long StatusCode { get; init; }
    public ContainerWaitError? Error { get; init; }
}

/// <summary>Why waiting failed (e.g. the container was removed while waiting).</summary>
internal sealed record ContainerWaitError
{
    public string? Message { get; init; }
}
