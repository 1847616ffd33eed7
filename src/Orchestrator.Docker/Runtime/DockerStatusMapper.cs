using System.Collections.Immutable;
using System.Globalization;
using Orchestrator.Docker.Engine;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Runtime;

/// <summary>Translates the engine's view of a container into the runtime contract's.</summary>
internal static class DockerStatusMapper
{
    /// <summary>
    /// The status of an application container. A container the engine could not start (status <c>created</c> with an
    /// error) is exited with reason <see cref="ContainerExitReasons.StartError"/>; an OOM kill has reason
    /// <see cref="ContainerExitReasons.OOMKilled"/>; an exited container's message is its termination message, else the
    /// engine's error.
    /// </summary>
    public static RuntimeContainerStatus Container(ContainerInspectResponse container)
    {
        var state = container.State;
        var labels = Labels(container.Config.Labels);
        var status = new RuntimeContainerStatus
        {
            Id = container.Id,
            SandboxId = labels.GetValueOrDefault(DockerLabels.SandboxId) ?? "",
            State = StateOf(state),
            Image = container.Config.Image ?? "",
            ImageId = container.Image ?? "",
            CreatedAt = container.Created ?? default,
            StartedAt = state.StartedAt,
            Labels = labels,
        };
        if (status.State != RuntimeContainerState.Exited) return status;

        var startError = !string.IsNullOrEmpty(state.Error) && state.StartedAt is null;
        var message = TerminationMessageFile.Read(labels.GetValueOrDefault(DockerLabels.TerminationMessageFile));
        return status with
        {
            ExitCode = startError && state.ExitCode == 0 ? 128 : state.ExitCode,
            FinishedAt = state.FinishedAt ?? (startError ? container.Created : null),
            Reason = state.OOMKilled ? ContainerExitReasons.OOMKilled : startError ? ContainerExitReasons.StartError : null,
            Message = message ?? (string.IsNullOrEmpty(state.Error) ? null : state.Error),
        };
    }

    /// <summary>The state of a container: created containers with a start error count as exited.</summary>
    public static RuntimeContainerState StateOf(DockerContainerState state) => state.Status switch
    {
        "running" or "paused" or "restarting" => RuntimeContainerState.Running,
        "created" when !string.IsNullOrEmpty(state.Error) => RuntimeContainerState.Exited,
        "created" => RuntimeContainerState.Created,
        "exited" or "dead" or "removing" => RuntimeContainerState.Exited,
        _ => RuntimeContainerState.Unknown,
    };

    /// <summary>A sandbox from a list entry: ready while its container runs.</summary>
    public static RuntimeSandbox Sandbox(ContainerSummary summary)
    {
        var labels = Labels(summary.Labels);
        return new RuntimeSandbox
        {
            Id = summary.Id,
            State = summary.State == "running" ? RuntimeSandboxState.Ready : RuntimeSandboxState.NotReady,
            CreatedAt = DateTimeOffset.FromUnixTimeSeconds(summary.Created),
            Attempt = int.TryParse(labels.GetValueOrDefault(ContainerLabels.SandboxAttempt), NumberStyles.None, CultureInfo.InvariantCulture, out var attempt)
                ? attempt
                : 0,
            Labels = labels,
        };
    }

    private static IReadOnlyDictionary<string, string> Labels(IReadOnlyDictionary<string, string>? labels) =>
        labels is null ? ImmutableDictionary<string, string>.Empty : labels.ToImmutableDictionary(StringComparer.Ordinal);
}
