using System.Collections.Immutable;

namespace Orchestrator.Runtime;

/// <summary>The lifecycle state of a runtime container.</summary>
public enum RuntimeContainerState
{
    /// <summary>Created but not started.</summary>
    Created,

    /// <summary>Its process runs.</summary>
    Running,

    /// <summary>Its process ended (or could not be started); see <see cref="RuntimeContainerStatus.ExitCode"/>.</summary>
    Exited,

    /// <summary>The runtime cannot tell.</summary>
    Unknown,
}

/// <summary>What a runtime knows about one container.</summary>
public sealed record RuntimeContainerStatus
{
    /// <summary>The runtime's container id.</summary>
    public required string Id { get; init; }

    /// <summary>The sandbox the container belongs to.</summary>
    public required string SandboxId { get; init; }

    /// <summary>The state.</summary>
    public required RuntimeContainerState State { get; init; }

    /// <summary>The image reference the container was created from.</summary>
    public string Image { get; init; } = "";

    /// <summary>The resolved image id (digest), if known.</summary>
    public string ImageId { get; init; } = "";

    /// <summary>When the container was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its process started; null if it never started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When its process ended; null unless <see cref="State"/> is <see cref="RuntimeContainerState.Exited"/>.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The exit code when exited (137 for a kill).</summary>
    public int? ExitCode { get; init; }

    /// <summary>
    /// A runtime-specific reason for an exit the exit code alone does not explain: <see cref="ContainerExitReasons.OOMKilled"/>
    /// or <see cref="ContainerExitReasons.StartError"/>; null otherwise (the agent then reports <c>Completed</c> or <c>Error</c>).
    /// </summary>
    public string? Reason { get; init; }

    /// <summary>The termination message, or a runtime error message; never secret values.</summary>
    public string? Message { get; init; }

    /// <summary>The container's labels (see <see cref="ContainerLabels"/>).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The container name from <see cref="ContainerLabels.ContainerName"/>, or empty.</summary>
    public string ContainerName => Labels.TryGetValue(ContainerLabels.ContainerName, out var name) ? name : "";

    /// <summary>The pod uid from <see cref="ContainerLabels.PodUid"/>, or empty.</summary>
    public string PodUid => Labels.TryGetValue(ContainerLabels.PodUid, out var uid) ? uid : "";

    /// <summary>The restart count from <see cref="ContainerLabels.RestartCount"/>, or 0.</summary>
    public int RestartCount =>
        Labels.TryGetValue(ContainerLabels.RestartCount, out var text) && int.TryParse(text, out var count) ? count : 0;
}

/// <summary>Exit reasons a runtime reports in <see cref="RuntimeContainerStatus.Reason"/>, as Kubernetes shows them.</summary>
public static class ContainerExitReasons
{
    /// <summary>The container exceeded its memory limit and was killed.</summary>
    public const string OOMKilled = "OOMKilled";

    /// <summary>The process could not be started (bad entrypoint, missing binary).</summary>
    public const string StartError = "StartError";

    /// <summary>Exit code 0 (set by the agent).</summary>
    public const string Completed = "Completed";

    /// <summary>A non-zero exit code (set by the agent).</summary>
    public const string Error = "Error";
}
