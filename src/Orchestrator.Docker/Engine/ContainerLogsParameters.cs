namespace Orchestrator.Docker.Engine;

/// <summary>What GET /containers/{id}/logs returns.</summary>
internal sealed record ContainerLogsParameters
{
    public bool Stdout { get; init; } = true;
    public bool Stderr { get; init; } = true;

    /// <summary>Keep the stream open and deliver new output until the container stops or the call is cancelled.</summary>
    public bool Follow { get; init; }

    /// <summary>Only the last N lines; <see langword="null"/> means all.</summary>
    public int? Tail { get; init; }

    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }

    /// <summary>Prefix each line with its RFC 3339 timestamp (parsed into <see cref="DockerLogLine.Timestamp"/>).</summary>
    public bool Timestamps { get; init; }

    /// <summary>
    /// Whether the container has a TTY (then output is raw, not multiplexed, and stdout and stderr are merged).
    /// <see langword="null"/> asks the engine first.
    /// </summary>
    public bool? Tty { get; init; }
}
