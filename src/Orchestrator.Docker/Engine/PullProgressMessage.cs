using System.Text.Json.Serialization;

namespace Orchestrator.Docker.Engine;

/// <summary>
/// One line of the engine's JSON progress stream (image pull): a status such as <c>Downloading</c> for a layer
/// <see cref="Id"/>, or an <see cref="Error"/> that ends the operation.
/// </summary>
internal sealed record PullProgressMessage
{
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("progress")]
    public string? Progress { get; init; }

    [JsonPropertyName("progressDetail")]
    public PullProgressDetail? ProgressDetail { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("errorDetail")]
    public PullErrorDetail? ErrorDetail { get; init; }

    /// <summary>The error this message carries, if any (<c>errorDetail.message</c>, else <c>error</c>).</summary>
    [JsonIgnore]
    public string? ErrorMessage => ErrorDetail?.Message is { Length: > 0 } detail ? detail : Error is { Length: > 0 } error ? error : null;
}

/// <summary>Bytes done and total of a layer transfer.</summary>
internal sealed record PullProgressDetail
{
    [JsonPropertyName("current")]
    public long Current { get; init; }

    [JsonPropertyName("total")]
    public long Total { get; init; }
}

/// <summary>The structured error of a progress stream.</summary>
internal sealed record PullErrorDetail
{
    [JsonPropertyName("code")]
    public int Code { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }
}
