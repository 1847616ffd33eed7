using System.Text.Json.Serialization;

namespace Orchestrator.Docker.Engine;

/// <summary>GET /images/{name}/json: an image's identity and the defaults it gives containers.</summary>
internal sealed record ImageInspectResponse
{
    /// <summary>The image id, <c>sha256:…</c>.</summary>
    public required string Id { get; init; }

    public IReadOnlyList<string>? RepoTags { get; init; }
    public IReadOnlyList<string>? RepoDigests { get; init; }

    [JsonConverter(typeof(DockerTimestampConverter))]
    public DateTimeOffset? Created { get; init; }

    public long Size { get; init; }
    public string? Architecture { get; init; }
    public string? Os { get; init; }
    public ImageConfig? Config { get; init; }
}

/// <summary>The container defaults an image carries.</summary>
internal sealed record ImageConfig
{
    public IReadOnlyList<string>? Env { get; init; }
    public IReadOnlyList<string>? Cmd { get; init; }
    public IReadOnlyList<string>? Entrypoint { get; init; }
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    public string? StopSignal { get; init; }
    public IReadOnlyDictionary<string, DockerEmptyObject>? ExposedPorts { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

/// <summary>One entry of GET /images/json.</summary>
internal sealed record ImageSummary
{
    public required string Id { get; init; }
    public IReadOnlyList<string>? RepoTags { get; init; }
    public IReadOnlyList<string>? RepoDigests { get; init; }

    /// <summary>Creation time in Unix seconds.</summary>
    public long Created { get; init; }

    public long Size { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

/// <summary>One entry of DELETE /images/{name}: a tag removed or a layer deleted.</summary>
internal sealed record ImageDeleteItem
{
    public string? Untagged { get; init; }
    public string? Deleted { get; init; }
}
