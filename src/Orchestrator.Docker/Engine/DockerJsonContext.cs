using System.Text.Json.Serialization;

namespace Orchestrator.Docker.Engine;

/// <summary>
/// Source-generated (reflection-free) JSON metadata for every Engine API type. Reading is case-insensitive (the engine
/// mixes PascalCase and camelCase); writing uses the property names as declared (PascalCase) and omits nulls, so
/// unset options keep the engine's defaults.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(DockerVersionResponse))]
[JsonSerializable(typeof(DockerInfoResponse))]
[JsonSerializable(typeof(DockerErrorResponse))]
[JsonSerializable(typeof(ContainerCreateRequest))]
[JsonSerializable(typeof(DockerIdResponse))]
[JsonSerializable(typeof(ContainerInspectResponse))]
[JsonSerializable(typeof(IReadOnlyList<ContainerSummary>))]
[JsonSerializable(typeof(ContainerWaitResponse))]
[JsonSerializable(typeof(ContainerStatsResponse))]
[JsonSerializable(typeof(ExecCreateRequest))]
[JsonSerializable(typeof(ExecStartRequest))]
[JsonSerializable(typeof(ExecInspectResponse))]
[JsonSerializable(typeof(ImageInspectResponse))]
[JsonSerializable(typeof(IReadOnlyList<ImageSummary>))]
[JsonSerializable(typeof(IReadOnlyList<ImageDeleteItem>))]
[JsonSerializable(typeof(PullProgressMessage))]
[JsonSerializable(typeof(RegistryAuth))]
[JsonSerializable(typeof(NetworkCreateRequest))]
[JsonSerializable(typeof(NetworkCreateResponse))]
[JsonSerializable(typeof(NetworkResponse))]
[JsonSerializable(typeof(IReadOnlyList<NetworkResponse>))]
[JsonSerializable(typeof(NetworkConnectRequest))]
[JsonSerializable(typeof(NetworkDisconnectRequest))]
[JsonSerializable(typeof(DockerEvent))]
internal sealed partial class DockerJsonContext : JsonSerializerContext;

/// <summary>The body of an engine error: <c>{"message": "No such container: x"}</c>.</summary>
internal sealed record DockerErrorResponse
{
    public string? Message { get; init; }
}
