using System.Text.Json.Serialization;

namespace Orchestrator.Docker.Engine;

/// <summary>
/// One message of GET /events, e.g. <c>Type=container Action=die Actor.Attributes.exitCode=137</c>. Actions of
/// interest for containers: <c>create</c>, <c>start</c>, <c>kill</c>, <c>oom</c>, <c>die</c>, <c>stop</c>,
/// <c>destroy</c>; exec actions carry the command after a colon (<c>exec_create: sh -c …</c>).
/// </summary>
internal sealed record DockerEvent
{
    /// <summary><c>container</c>, <c>image</c>, <c>network</c>, <c>volume</c>, <c>daemon</c>, …</summary>
    public string? Type { get; init; }

    public string? Action { get; init; }
    public DockerEventActor Actor { get; init; } = new();

    [JsonPropertyName("scope")]
    public string? Scope { get; init; }

    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("time")]
    public long Time { get; init; }

    /// <summary>Unix nanoseconds.</summary>
    [JsonPropertyName("timeNano")]
    public long TimeNano { get; init; }

    /// <summary>When the event happened, to 100 ns.</summary>
    [JsonIgnore]
    public DateTimeOffset Timestamp => TimeNano > 0
        ? DateTimeOffset.UnixEpoch.AddTicks(TimeNano / 100)
        : DateTimeOffset.FromUnixTimeSeconds(Time);
}

/// <summary>The object an event is about: its id and attributes (labels, <c>name</c>, <c>image</c>, <c>exitCode</c>, <c>signal</c>).</summary>
internal sealed record DockerEventActor
{
    public string? ID { get; init; }
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
}
