using Orchestrator.Docker.Engine;

namespace Orchestrator.Docker.Hosting;

/// <summary>One Docker engine, run as one node (see <see cref="DockerRuntimeOptions.Hosts"/>).</summary>
public sealed class DockerHostOptions
{
    /// <summary>The node name; the engine's own name (its machine's hostname, from <c>/info</c>) when null.</summary>
    public string? Name { get; set; }

    /// <summary>How to reach the engine; the <c>docker</c> CLI's choice when left empty.</summary>
    public DockerEndpointOptions Endpoint { get; set; } = new();

    /// <summary>Labels of this node only (for example a zone).</summary>
    public Dictionary<string, string> Labels { get; } = [];

    /// <summary>The subnet of the pod network on this engine (for example <c>10.89.1.0/24</c>); the engine chooses when null.</summary>
    public string? Subnet { get; set; }

    /// <summary>
    /// The node's address (the <c>hostIP</c> of its pods): by default the host of a <c>tcp://</c> endpoint when it is an
    /// IP address, else <c>127.0.0.1</c>.
    /// </summary>
    public string? InternalIP { get; set; }
}
