using System.Collections.Immutable;

namespace Orchestrator.Runtime;

/// <summary>The state of a pod sandbox.</summary>
public enum RuntimeSandboxState
{
    /// <summary>The sandbox runs and containers can be created in it.</summary>
    Ready,

    /// <summary>The sandbox was stopped or died; it must be removed and, if the pod should run, recreated.</summary>
    NotReady,
}

/// <summary>What a runtime knows about one pod sandbox.</summary>
public sealed record RuntimeSandbox
{
    /// <summary>The runtime's sandbox id.</summary>
    public required string Id { get; init; }

    /// <summary>The state.</summary>
    public required RuntimeSandboxState State { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The attempt number it was created with (<see cref="PodSandboxConfig.Attempt"/>).</summary>
    public int Attempt { get; init; }

    /// <summary>Its labels (<see cref="PodSandboxConfig.Labels"/>).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The pod uid from <see cref="ContainerLabels.PodUid"/>, or empty.</summary>
    public string PodUid => Labels.TryGetValue(ContainerLabels.PodUid, out var uid) ? uid : "";
}
