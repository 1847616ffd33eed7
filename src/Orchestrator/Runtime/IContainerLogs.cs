namespace Orchestrator.Runtime;

/// <summary>
/// Optional runtime capability: reading a container's output (<c>kubectl logs</c>).
/// </summary>
/// <remarks>
/// Logs belong to one container instance. To read the previous instance of a restarted container
/// (<c>logs --previous</c>), find the exited container whose <see cref="ContainerLabels.RestartCount"/> is one lower
/// with <see cref="IContainerRuntime.ListContainersAsync"/> and read its logs; the agent keeps that instance until the
/// next restart.
/// </remarks>
public interface IContainerLogs
{
    /// <summary>
    /// Streams a container's log lines, oldest first, as selected by <paramref name="options"/>. Without
    /// <see cref="LogOptions.Follow"/> the stream ends after the last line written so far; with it, the stream continues
    /// until the container exits (after its last line) or <paramref name="cancellationToken"/> is cancelled, at which
    /// point the stream simply ends.
    /// </summary>
    /// <exception cref="ContainerRuntimeException">The container does not exist.</exception>
    IAsyncEnumerable<LogLine> ReadLogsAsync(string containerId, LogOptions options, CancellationToken cancellationToken = default);
}

/// <summary>Which log lines to read.</summary>
public sealed record LogOptions
{
    /// <summary>Keep streaming new lines until the container exits.</summary>
    public bool Follow { get; init; }

    /// <summary>Only the last this many lines (before following); null for all.</summary>
    public int? TailLines { get; init; }

    /// <summary>Only lines written at or after this time; null for all.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>All lines, not following.</summary>
    public static LogOptions All { get; } = new();
}

/// <summary>Which stream a log line was written to.</summary>
public enum LogStream
{
    /// <summary>Standard output.</summary>
    Stdout,

    /// <summary>Standard error.</summary>
    Stderr,
}

/// <summary>One line of container output.</summary>
/// <param name="Timestamp">When the runtime received it.</param>
/// <param name="Stream">The stream it was written to.</param>
/// <param name="Text">The line, without its line terminator.</param>
public readonly record struct LogLine(DateTimeOffset Timestamp, LogStream Stream, string Text);
