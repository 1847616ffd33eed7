using Orchestrator.Runtime;

namespace Orchestrator.Docker.Runtime;

/// <summary>
/// What one <see cref="DockerContainerRuntime"/> needs to know, resolved from <see cref="Hosting.DockerRuntimeOptions"/>
/// and <see cref="Hosting.DockerHostOptions"/> for one engine.
/// </summary>
internal sealed record DockerRuntimeSettings
{
    /// <summary>Owner label value of everything the runtime creates and the filter of everything it lists.</summary>
    public required string ClusterId { get; init; }

    /// <summary>The node this runtime serves; names its host directories.</summary>
    public required string NodeName { get; init; }

    /// <summary>The image of sandbox containers.</summary>
    public required string SandboxImage { get; init; }

    /// <summary>The sandbox's entrypoint; the image's when empty.</summary>
    public IReadOnlyList<string> SandboxCommand { get; init; } = [];

    /// <summary>Where pod directories (volumes, termination messages) live: already specific to the cluster and node.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Like <see cref="DataDirectory"/>, on a memory file system where possible: Secret volumes and memory emptyDirs.</summary>
    public required string MemoryDataDirectory { get; init; }

    /// <summary>The network of sandboxes whose configuration names none.</summary>
    public string DefaultNetwork { get; init; } = "bridge";

    /// <summary>Reported as the <c>pods</c> capacity.</summary>
    public int MaxPods { get; init; } = 110;

    /// <summary>Registry credentials tried after the pod's own (<c>imagePullSecrets</c>).</summary>
    public IReadOnlyList<RegistryCredential> RegistryCredentials { get; init; } = [];

    /// <summary>Node names of this process on this engine: containers of the cluster labelled with another node are leftovers.</summary>
    public IReadOnlyCollection<string> NodeNamesOnEngine { get; init; } = [];

    /// <summary>How many engine calls a list or cleanup makes at once.</summary>
    public int Parallelism { get; init; } = 16;
}
