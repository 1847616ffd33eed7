namespace Orchestrator.Docker.Engine;

/// <summary>GET /version: the engine's version and the API versions it speaks.</summary>
internal sealed record DockerVersionResponse
{
    public string? Version { get; init; }
    public string? ApiVersion { get; init; }
    public string? MinAPIVersion { get; init; }
    public string? GitCommit { get; init; }
    public string? Os { get; init; }
    public string? Arch { get; init; }
    public string? KernelVersion { get; init; }
}
