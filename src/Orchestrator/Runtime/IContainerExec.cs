namespace Orchestrator.Runtime;

/// <summary>
/// Optional runtime capability: running a command inside a running container (<c>kubectl exec</c>, exec probes,
/// exec lifecycle hooks).
/// </summary>
public interface IContainerExec
{
    /// <summary>
    /// Runs <paramref name="command"/> (not in a shell) in the container and waits for it to finish or for
    /// <paramref name="timeout"/> to pass. A timed-out command is reported with <see cref="ExecResult.TimedOut"/> set
    /// (the runtime kills it where it can). Output is captured up to a runtime-specific limit (at least 16 KiB per stream).
    /// </summary>
    /// <exception cref="ContainerRuntimeException">The container does not exist or is not running, or the command
    /// could not be started (for example the binary does not exist).</exception>
    ValueTask<ExecResult> ExecAsync(string containerId, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of <see cref="IContainerExec.ExecAsync"/>.</summary>
/// <param name="ExitCode">The command's exit code; -1 when it timed out.</param>
/// <param name="Stdout">What it wrote to standard output.</param>
/// <param name="Stderr">What it wrote to standard error.</param>
/// <param name="TimedOut">True when the timeout passed before it finished.</param>
public sealed record ExecResult(int ExitCode, string Stdout, string Stderr, bool TimedOut = false);
