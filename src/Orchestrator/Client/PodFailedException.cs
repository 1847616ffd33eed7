using Orchestrator.Api;

namespace Orchestrator.Client;

/// <summary>
/// The awaited pod exited: it reached phase <c>Failed</c>, or <c>Succeeded</c> while it was awaited to become Ready.
/// <see cref="Pod"/> is its final state; the message carries its containers' exit codes, last log lines and events.
/// </summary>
public sealed class PodFailedException : WaitFailedException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="pod">The pod in its final state.</param>
    /// <param name="goal">What was awaited, for example <c>become ready</c>.</param>
    /// <param name="reason">How it ended, in one line.</param>
    /// <param name="diagnostics">The description of the pod.</param>
    public PodFailedException(Pod pod, string goal, string reason, string diagnostics)
        : base("Pod", pod?.Metadata.Namespace ?? "", pod?.Metadata.Name ?? "", goal, reason, diagnostics)
    {
        ArgumentNullException.ThrowIfNull(pod);
        Pod = pod;
    }

    /// <summary>The pod in the state that ended the wait.</summary>
    public Pod Pod { get; }

    /// <summary>The pod's phase: <c>Failed</c> or <c>Succeeded</c>.</summary>
    public string? Phase => Pod.Status?.Phase;
}
