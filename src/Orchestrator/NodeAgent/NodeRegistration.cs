using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Networking;
using Orchestrator.Runtime;

namespace Orchestrator.NodeAgent;

/// <summary>
/// One node an agent runs: its name, the runtime that runs its containers and how it presents itself. Register with
/// <see cref="NodeAgentServiceCollectionExtensions.AddNodeAgent(Microsoft.Extensions.DependencyInjection.IServiceCollection, NodeRegistration)"/>
/// or pass to <see cref="NodeAgentHost"/>; <see cref="Runtime.Simulated.SimulatedNodes"/> creates them in bulk.
/// </summary>
public sealed record NodeRegistration
{
    /// <summary>The Node object's name; unique in the cluster.</summary>
    public required string Name { get; init; }

    /// <summary>The runtime that runs the node's containers. Several nodes may share one runtime: everything the agent
    /// creates carries the <see cref="ContainerLabels.NodeName"/> label.</summary>
    public required IContainerRuntime Runtime { get; init; }

    /// <summary>Gives the node's pods their IPs; null for the host's default provider.</summary>
    public INetworkProvider? Network { get; init; }

    /// <summary>Labels of the Node besides the ones the agent sets (<c>kubernetes.io/hostname</c>, <c>/os</c>, <c>/arch</c>).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Taints the Node registers with.</summary>
    public IReadOnlyList<Taint> Taints { get; init; } = [];

    /// <summary>The capacity to report; null for the runtime's (<see cref="RuntimeInfo.Capacity"/>).</summary>
    public IReadOnlyDictionary<string, Quantity>? Capacity { get; init; }

    /// <summary>What pods may use; null for the capacity (nothing reserved for the system).</summary>
    public IReadOnlyDictionary<string, Quantity>? Allocatable { get; init; }

    /// <summary>
    /// The cluster DNS servers of this node's pods (<c>dnsPolicy: ClusterFirst</c>), like a kubelet's own
    /// <c>clusterDNS</c>; null for <see cref="NodeAgentOptions.ClusterDns"/>. Docker nodes set the gateway of their
    /// pod network, where the in-process cluster DNS listens.
    /// </summary>
    public IReadOnlyList<string>? ClusterDns { get; init; }

    /// <summary>The node's <c>InternalIP</c>, reported as the <c>hostIP</c> of its pods; <c>127.0.0.1</c> by default.</summary>
    public string InternalIP { get; init; } = "127.0.0.1";

    /// <inheritdoc/>
    public override string ToString() => $"node {Name}";
}
