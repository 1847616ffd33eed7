using System.Collections.Immutable;

namespace Orchestrator.Runtime.Simulated;

/// <summary>The mutable state of one simulated container; guarded by its runtime's lock.</summary>
internal sealed class SimulatedContainer(string id, SimulatedSandbox sandbox, ContainerConfig config, SimulatedBehavior behavior, DateTimeOffset createdAt)
{
    public string Id { get; } = id;

    public SimulatedSandbox Sandbox { get; } = sandbox;

    public ContainerConfig Config { get; } = config;

    public SimulatedBehavior Behavior { get; set; } = behavior;

    public RuntimeContainerState State { get; set; } = RuntimeContainerState.Created;

    public bool Starting { get; set; }

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public int? ExitCode { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    /// <summary>Fires the self-inflicted exit (exit-after, oom-after); null when none is due.</summary>
    public ITimer? ExitTimer { get; set; }

    public List<LogLine> Logs { get; } = [];

    /// <summary>Completed (and replaced) whenever a log line is added or the container exits.</summary>
    public TaskCompletionSource? LogSignal { get; set; }

    /// <summary>Completed when the container exits; created on demand by waiters.</summary>
    public TaskCompletionSource? ExitSignal { get; set; }

    private RuntimeContainerStatus? _snapshot;

    /// <summary>Call after every state change so the next <see cref="Snapshot"/> is rebuilt.</summary>
    public void Invalidate() => _snapshot = null;

    public RuntimeContainerStatus Snapshot() => _snapshot ??= new RuntimeContainerStatus
    {
        Id = Id,
        SandboxId = Sandbox.Id,
        State = State,
        Image = Config.Image,
        ImageId = SimulatedContainerRuntime.ImageIdOf(Config.Image),
        CreatedAt = CreatedAt,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        ExitCode = ExitCode,
        Reason = Reason,
        Message = Message,
        Labels = Config.Labels,
    };

    public bool Matches(IReadOnlyDictionary<string, string>? filter) => SimulatedSandbox.LabelsMatch(Config.Labels, filter);
}

/// <summary>The state of one simulated sandbox; guarded by its runtime's lock.</summary>
internal sealed class SimulatedSandbox(string id, PodSandboxConfig config, DateTimeOffset createdAt)
{
    public string Id { get; } = id;

    public PodSandboxConfig Config { get; } = config;

    public RuntimeSandboxState State { get; set; } = RuntimeSandboxState.Ready;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public List<SimulatedContainer> Containers { get; } = [];

    public ImmutableDictionary<string, RuntimeVolume> Volumes { get; } =
        config.Volumes.ToImmutableDictionary(v => v.Name, StringComparer.Ordinal);

    public RuntimeSandbox Snapshot() => new()
    {
        Id = Id,
        State = State,
        CreatedAt = CreatedAt,
        Attempt = Config.Attempt,
        Labels = Config.Labels,
    };

    public static bool LabelsMatch(IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string>? filter)
    {
        if (filter is null) return true;
        foreach (var (key, value) in filter)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value) return false;
        }
        return true;
    }
}
