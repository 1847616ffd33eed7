using System.Collections.Immutable;

namespace Orchestrator.Runtime;

/// <summary>
/// Everything a runtime needs to create a pod sandbox (see <see cref="IContainerRuntime.CreateSandboxAsync"/>).
/// Built by the node agent from the Pod; a runtime never reads API objects.
/// </summary>
public sealed record PodSandboxConfig
{
    /// <summary>The pod name.</summary>
    public required string PodName { get; init; }

    /// <summary>The pod namespace.</summary>
    public required string PodNamespace { get; init; }

    /// <summary>The pod uid; sandboxes of different pods with the same name are told apart by it.</summary>
    public required string PodUid { get; init; }

    /// <summary>0 for the pod's first sandbox, incremented each time the sandbox is recreated.</summary>
    public int Attempt { get; init; }

    /// <summary>The hostname processes in the pod see (the pod's <c>spec.hostname</c>, or its name).</summary>
    public required string Hostname { get; init; }

    /// <summary>
    /// The labels to put on the sandbox: the pod's labels plus the <see cref="ContainerLabels"/> keys for the node, pod
    /// uid, name and namespace.
    /// </summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>
    /// The pod's annotations. Runtimes may ignore them; the simulated runtime reads its behaviour from them
    /// (see <see cref="Simulated.SimulatedAnnotations"/>).
    /// </summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>
    /// The network the sandbox joins, as named by the <see cref="Networking.INetworkProvider"/> in use; null for the
    /// runtime's default network. Ignored when <see cref="HostNetwork"/> is true.
    /// </summary>
    public string? Network { get; init; }

    /// <summary>When true the sandbox shares the node's network namespace (<c>spec.hostNetwork</c>).</summary>
    public bool HostNetwork { get; init; }

    /// <summary>Host ports forwarded to the sandbox (container ports with a <c>hostPort</c>).</summary>
    public IReadOnlyList<PortMapping> PortMappings { get; init; } = [];

    /// <summary>The resolver configuration written to the sandbox's <c>/etc/resolv.conf</c>; null for the runtime's default.</summary>
    public DnsSettings? Dns { get; init; }

    /// <summary>Extra <c>/etc/hosts</c> entries (<c>spec.hostAliases</c>).</summary>
    public IReadOnlyList<HostEntry> HostEntries { get; init; } = [];

    /// <summary>
    /// The pod's volumes, resolved to data. The runtime materialises each once per sandbox on creation; containers refer
    /// to them by <see cref="RuntimeVolume.Name"/> in <see cref="ContainerConfig.Mounts"/>.
    /// </summary>
    public IReadOnlyList<RuntimeVolume> Volumes { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString() => $"sandbox {PodNamespace}/{PodName} ({PodUid}) attempt {Attempt}";
}

/// <summary>A host port forwarded to a port of the sandbox.</summary>
/// <param name="ContainerPort">The port inside the sandbox.</param>
/// <param name="HostPort">The port on the node.</param>
/// <param name="Protocol"><c>TCP</c>, <c>UDP</c> or <c>SCTP</c>.</param>
/// <param name="HostIP">The node address to bind; null for all addresses.</param>
public sealed record PortMapping(int ContainerPort, int HostPort, string Protocol = "TCP", string? HostIP = null);

/// <summary>Resolver settings for a sandbox (the content of <c>/etc/resolv.conf</c>).</summary>
public sealed record DnsSettings
{
    /// <summary>Name server addresses.</summary>
    public IReadOnlyList<string> Servers { get; init; } = [];

    /// <summary>Search domains.</summary>
    public IReadOnlyList<string> Searches { get; init; } = [];

    /// <summary>Resolver options such as <c>ndots:5</c>.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];
}

/// <summary>An <c>/etc/hosts</c> entry.</summary>
/// <param name="Ip">The address.</param>
/// <param name="Hostnames">The names that resolve to it.</param>
public sealed record HostEntry(string Ip, IReadOnlyList<string> Hostnames);
