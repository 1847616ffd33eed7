using System.Collections.Immutable;

namespace Orchestrator.Runtime;

/// <summary>
/// A fully resolved container definition handed to <see cref="IContainerRuntime.CreateContainerAsync"/>. The agent has
/// already resolved environment sources (ConfigMaps, Secrets, pod fields), expanded <c>$(VAR)</c> references, converted
/// resource quantities and decided the image; a runtime only translates this into its own terms.
/// </summary>
public sealed record ContainerConfig
{
    /// <summary>The container name from the pod spec.</summary>
    public required string Name { get; init; }

    /// <summary>The image reference as written in the pod spec (present on the runtime when this is used).</summary>
    public required string Image { get; init; }

    /// <summary>The entrypoint; the image's when empty.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>The arguments; the image's when empty (and <see cref="Command"/> is empty too).</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>The working directory; the image's when null.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>The environment, in order; a later entry with the same name wins.</summary>
    public IReadOnlyList<ContainerEnvVar> Env { get; init; } = [];

    /// <summary>Volumes of the sandbox mounted into the container.</summary>
    public IReadOnlyList<ContainerMount> Mounts { get; init; } = [];

    /// <summary>Ports the container listens on (informational; host ports are in <see cref="PodSandboxConfig.PortMappings"/>).</summary>
    public IReadOnlyList<ContainerPortInfo> Ports { get; init; } = [];

    /// <summary>CPU and memory requests and limits.</summary>
    public ContainerResources Resources { get; init; } = ContainerResources.None;

    /// <summary>User, group and privilege settings; null for the image's defaults.</summary>
    public ContainerSecurity? Security { get; init; }

    /// <summary>
    /// The labels to put on the container: the <see cref="ContainerLabels"/> keys (node, pod uid, name, namespace,
    /// container name, restart count, kind, hash).
    /// </summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The pod's annotations (see <see cref="PodSandboxConfig.Annotations"/>).</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The file whose content becomes the termination message when the container exits; null for none.</summary>
    public string? TerminationMessagePath { get; init; }

    /// <summary>Allocate a TTY.</summary>
    public bool Tty { get; init; }

    /// <summary>Keep stdin open.</summary>
    public bool Stdin { get; init; }

    /// <inheritdoc/>
    /// <remarks>Names only: environment values and volume contents may be secret.</remarks>
    public override string ToString() => $"container {Name} ({Image})";
}

/// <summary>One environment variable of a container.</summary>
/// <param name="Name">The variable name.</param>
/// <param name="Value">The resolved value.</param>
/// <param name="Sensitive">True when the value came from a Secret; a runtime must never log or echo it.</param>
public sealed record ContainerEnvVar(string Name, string Value, bool Sensitive = false)
{
    /// <inheritdoc/>
    /// <remarks>Prints the name only.</remarks>
    public override string ToString() => Sensitive ? $"{Name}=<redacted>" : $"{Name}={Value}";
}

/// <summary>Mounts a sandbox volume into a container.</summary>
/// <param name="VolumeName">The <see cref="RuntimeVolume.Name"/> of a volume in <see cref="PodSandboxConfig.Volumes"/>.</param>
/// <param name="ContainerPath">The absolute path inside the container.</param>
/// <param name="ReadOnly">Mount read-only.</param>
/// <param name="SubPath">A path inside the volume to mount instead of its root (already expanded).</param>
public sealed record ContainerMount(string VolumeName, string ContainerPath, bool ReadOnly = false, string? SubPath = null);

/// <summary>A port a container listens on.</summary>
/// <param name="Port">The port number inside the pod.</param>
/// <param name="Protocol"><c>TCP</c>, <c>UDP</c> or <c>SCTP</c>.</param>
/// <param name="Name">The port name, if any.</param>
public sealed record ContainerPortInfo(int Port, string Protocol = "TCP", string? Name = null);

/// <summary>
/// Resources of a container in runtime units. A value of null means "not set". When a limit is set without a request,
/// the agent has already set the request to the limit, as Kubernetes does.
/// </summary>
/// <param name="CpuRequestMillicores">Requested CPU in millicores (Docker: CPU shares).</param>
/// <param name="CpuLimitMillicores">CPU limit in millicores (Docker: NanoCPUs = value × 1,000,000).</param>
/// <param name="MemoryRequestBytes">Requested memory in bytes (Docker: memory reservation).</param>
/// <param name="MemoryLimitBytes">Memory limit in bytes; exceeding it ends the container with reason <c>OOMKilled</c>.</param>
public sealed record ContainerResources(
    long? CpuRequestMillicores = null, long? CpuLimitMillicores = null, long? MemoryRequestBytes = null, long? MemoryLimitBytes = null)
{
    /// <summary>No requests or limits.</summary>
    public static ContainerResources None { get; } = new();
}

/// <summary>Process identity and privilege settings of a container (pod and container security contexts merged).</summary>
public sealed record ContainerSecurity
{
    /// <summary>The UID to run as; the image's when null.</summary>
    public long? RunAsUser { get; init; }

    /// <summary>The GID to run as; the image's when null.</summary>
    public long? RunAsGroup { get; init; }

    /// <summary>Extra groups (including the pod's <c>fsGroup</c>).</summary>
    public IReadOnlyList<long> SupplementalGroups { get; init; } = [];

    /// <summary>Run privileged.</summary>
    public bool Privileged { get; init; }

    /// <summary>Mount the root filesystem read-only.</summary>
    public bool ReadOnlyRootFilesystem { get; init; }

    /// <summary>Capabilities to add.</summary>
    public IReadOnlyList<string> AddCapabilities { get; init; } = [];

    /// <summary>Capabilities to drop.</summary>
    public IReadOnlyList<string> DropCapabilities { get; init; } = [];
}
