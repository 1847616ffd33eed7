namespace Orchestrator.Docker.Engine;

/// <summary>The outcome of a command run with <c>ExecAsync</c>.</summary>
/// <param name="ExitCode">The process's exit code.</param>
/// <param name="Stdout">Standard output, decoded as UTF-8, at most the requested number of bytes.</param>
/// <param name="Stderr">Standard error, decoded as UTF-8, at most the requested number of bytes.</param>
/// <param name="Truncated">Whether output beyond the limit was dropped.</param>
internal sealed record ExecResult(int ExitCode, string Stdout, string Stderr, bool Truncated);
