namespace Orchestrator.Docker.Engine;

/// <summary>The stream a chunk of container output came from (the first byte of a multiplexed frame header).</summary>
internal enum DockerStreamKind : byte
{
    Stdin = 0,
    Stdout = 1,
    Stderr = 2,
}

/// <summary>One line of container output, without its line terminator.</summary>
/// <param name="Stream">Where it came from; <see cref="DockerStreamKind.Stdout"/> for TTY containers.</param>
/// <param name="Text">The line, decoded as UTF-8.</param>
/// <param name="Timestamp">The engine's timestamp when requested with timestamps on.</param>
internal readonly record struct DockerLogLine(DockerStreamKind Stream, string Text, DateTimeOffset? Timestamp = null);
