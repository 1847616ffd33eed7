namespace Orchestrator.Docker.Engine;

/// <summary>One entry of GET /containers/json.</summary>
internal sealed record ContainerSummary
{
    public required string Id { get; init; }

    /// <summary>Names with the engine's leading slash.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    public string? Image { get; init; }
    public string? ImageID { get; init; }
    public string? Command { get; init; }

    /// <summary>Creation time in Unix seconds.</summary>
    public long Created { get; init; }

    /// <summary><c>created</c>, <c>running</c>, <c>exited</c>, …</summary>
    public string? State { get; init; }

    /// <summary>Human-readable status, e.g. <c>Exited (0) 2 seconds ago</c>.</summary>
    public string? Status { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public ContainerSummaryNetworks? NetworkSettings { get; init; }
}

/// <summary>The networks of a listed container.</summary>
internal sealed record ContainerSummaryNetworks
{
    public IReadOnlyDictionary<string, DockerEndpointSettings>? Networks { get; init; }
}
