using System.Collections;
using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Networking;
using Orchestrator.NodeAgent;

namespace Orchestrator.Runtime.Simulated;

/// <summary>
/// A set of simulated nodes, each with its own <see cref="SimulatedContainerRuntime"/>, ready to be run by a
/// <see cref="NodeAgentHost"/>. Register them with
/// <see cref="SimulatedNodeServiceCollectionExtensions.AddSimulatedNodes"/>, or create them with <see cref="Create"/> and
/// pass <see cref="Registrations"/> to a host yourself.
/// </summary>
/// <example>
/// <code>
/// var nodes = SimulatedNodes.Create(3, timeProvider: fakeTime);
/// await using var host = new NodeAgentHost(store, informers, nodes.Registrations, timeProvider: fakeTime);
/// await host.StartAsync(cancellationToken);
/// var runtime = nodes["node-2"].Runtime; // inspect or program the containers of node-2
/// </code>
/// </example>
public sealed class SimulatedNodes : IReadOnlyList<SimulatedNode>
{
    private readonly SimulatedNode[] _nodes;
    private readonly Dictionary<string, SimulatedNode> _byName;

    private SimulatedNodes(SimulatedNode[] nodes)
    {
        _nodes = nodes;
        _byName = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
    }

    /// <summary>
    /// Creates <paramref name="count"/> nodes named <c>node-1</c>…<c>node-N</c> (see <see cref="SimulatedNodeOptions"/>),
    /// with capacity 4 CPU, 16Gi memory and 110 pods unless configured otherwise, labels <c>kubernetes.io/hostname</c>
    /// and distinct InternalIPs.
    /// </summary>
    /// <param name="count">How many nodes, at least 0.</param>
    /// <param name="options">How to create them; the defaults when null.</param>
    /// <param name="timeProvider">The clock of the runtimes; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="network">The network provider of the nodes; null for the host's default.</param>
    public static SimulatedNodes Create(int count, SimulatedNodeOptions? options = null, TimeProvider? timeProvider = null, INetworkProvider? network = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        options ??= new SimulatedNodeOptions();
        var capacity = ImmutableDictionary.CreateRange(
        [
            KeyValuePair.Create(ResourceName.Cpu, options.Cpu),
            KeyValuePair.Create(ResourceName.Memory, options.Memory),
            KeyValuePair.Create(ResourceName.EphemeralStorage, options.EphemeralStorage),
            KeyValuePair.Create(ResourceName.Pods, Quantity.FromUnits(options.Pods)),
        ]);
        var runtimeOptions = new SimulatedRuntimeOptions
        {
            Capacity = capacity,
            PreloadedImages = [.. options.PreloadedImages],
            InvalidImageMarker = options.InvalidImageMarker,
            Behavior = options.Behavior,
        };
        var labels = options.Labels.ToImmutableDictionary();
        var taints = options.Taints.ToArray();
        var zones = options.Zones.ToArray();
        var nodes = new SimulatedNode[count];
        for (var i = 0; i < count; i++)
        {
            var number = options.StartIndex + i;
            var name = options.NamePrefix + number;
            var runtime = new SimulatedContainerRuntime(runtimeOptions, timeProvider);
            var nodeLabels = zones.Length == 0 ? labels : labels.SetItem(WellKnownLabels.Zone, zones[i % zones.Length]);
            var registration = new NodeRegistration
            {
                Name = name,
                Runtime = runtime,
                Network = network,
                Labels = nodeLabels,
                Taints = taints,
                Capacity = capacity,
                InternalIP = $"172.{16 + (number >> 16 & 0x0F)}.{number >> 8 & 0xFF}.{number & 0xFF}",
            };
            nodes[i] = new SimulatedNode(name, runtime, registration);
        }
        return new SimulatedNodes(nodes);
    }

    /// <summary>The registrations to pass to a <see cref="NodeAgentHost"/>.</summary>
    public IReadOnlyList<NodeRegistration> Registrations => [.. _nodes.Select(n => n.Registration)];

    /// <inheritdoc/>
    public int Count => _nodes.Length;

    /// <inheritdoc/>
    public SimulatedNode this[int index] => _nodes[index];

    /// <summary>The node named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is no such node.</exception>
    public SimulatedNode this[string name] => _byName[name];

    /// <inheritdoc/>
    public IEnumerator<SimulatedNode> GetEnumerator() => ((IEnumerable<SimulatedNode>)_nodes).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>One simulated node.</summary>
/// <param name="Name">The node name.</param>
/// <param name="Runtime">Its runtime, to inspect or program its containers.</param>
/// <param name="Registration">What its agent registers.</param>
public sealed record SimulatedNode(string Name, SimulatedContainerRuntime Runtime, NodeRegistration Registration);
