using System.Collections.Immutable;
using Orchestrator.Api;

namespace Orchestrator.Runtime.Simulated;

/// <summary>Settings of one <see cref="SimulatedContainerRuntime"/>.</summary>
public sealed record SimulatedRuntimeOptions
{
    /// <summary>Reported as the runtime name (and the scheme of container ids, <c>simulated://…</c>).</summary>
    public string Name { get; init; } = "simulated";

    /// <summary>Reported as the runtime version.</summary>
    public string Version { get; init; } = "1.0.0";

    /// <summary>The machine's capacity, reported by <see cref="IContainerRuntime.GetInfoAsync"/>.</summary>
    public IReadOnlyDictionary<string, Quantity> Capacity { get; init; } = ImmutableDictionary.CreateRange(
    [
        KeyValuePair.Create("cpu", Quantity.Parse("4")),
        KeyValuePair.Create("memory", Quantity.Parse("16Gi")),
        KeyValuePair.Create("ephemeral-storage", Quantity.Parse("100Gi")),
        KeyValuePair.Create("pods", Quantity.Parse("110")),
    ]);

    /// <summary>Images present from the start (so <c>imagePullPolicy: Never</c> finds them).</summary>
    public IReadOnlyList<string> PreloadedImages { get; init; } = [];

    /// <summary>
    /// Pulling an image whose reference contains this text fails with <c>ErrImagePull</c> (the pull-failure convention of
    /// the simulation, like a misspelt image); null disables the convention.
    /// </summary>
    public string? InvalidImageMarker { get; init; } = "invalid";

    /// <summary>
    /// Computes the behaviour of each container (and, with a null <see cref="SimulatedContainerContext.Container"/>,
    /// of each image pull and sandbox). Receives the behaviour read from the annotations and returns the one to use;
    /// null keeps the annotations' behaviour as is. Called once per container instance, so it may count restarts.
    /// Must be thread-safe and fast: it runs inside runtime calls.
    /// </summary>
    public Func<SimulatedContainerContext, SimulatedBehavior>? Behavior { get; init; }
}

/// <summary>What <see cref="SimulatedRuntimeOptions.Behavior"/> is asked about.</summary>
/// <param name="Sandbox">The pod's sandbox configuration (labels, annotations).</param>
/// <param name="Container">The container being created; null when resolving a sandbox or an image pull.</param>
/// <param name="Image">The image of the container, or the image being pulled; empty for a sandbox.</param>
/// <param name="FromAnnotations">The behaviour the pod's annotations describe.</param>
public sealed record SimulatedContainerContext(PodSandboxConfig Sandbox, ContainerConfig? Container, string Image, SimulatedBehavior FromAnnotations);
