namespace Orchestrator.Client;

/// <summary>Which log lines <see cref="IOrchestratorClient.ReadLogsAsync"/> reads (<c>kubectl logs</c> flags).</summary>
public sealed record PodLogOptions
{
    /// <summary>
    /// The container; null for the pod's default container (the <c>kubectl.kubernetes.io/default-container</c>
    /// annotation, else the first container of the spec).
    /// </summary>
    public string? Container { get; init; }

    /// <summary>Keep streaming new lines until the container exits or the caller stops (<c>-f</c>).</summary>
    public bool Follow { get; init; }

    /// <summary>Only the last this many lines (before following); null for all (<c>--tail</c>).</summary>
    public int? TailLines { get; init; }

    /// <summary>Only lines written at or after this time; null for all (<c>--since-time</c>).</summary>
    public DateTimeOffset? SinceTime { get; init; }

    /// <summary>Read the previous instance of a restarted container (<c>--previous</c>).</summary>
    public bool Previous { get; init; }

    /// <summary>Prefix each line with its RFC 3339 timestamp and a space (<c>--timestamps</c>).</summary>
    public bool Timestamps { get; init; }
}
