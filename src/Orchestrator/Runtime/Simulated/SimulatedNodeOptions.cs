using Orchestrator.Api;

namespace Orchestrator.Runtime.Simulated;

/// <summary>
/// How <see cref="SimulatedNodes"/> creates nodes: names <c>{NamePrefix}{StartIndex}</c>…, capacity, labels, taints,
/// zones, and the behaviour of their simulated runtimes. Mutable, for <c>AddSimulatedNodes(100, o =&gt; o.Cpu = …)</c>.
/// </summary>
public sealed class SimulatedNodeOptions
{
    /// <summary>The node name prefix; nodes are <c>node-1</c>, <c>node-2</c>, … by default.</summary>
    public string NamePrefix { get; set; } = "node-";

    /// <summary>The number of the first node.</summary>
    public int StartIndex { get; set; } = 1;

    /// <summary>CPU capacity of each node; 4 cores.</summary>
    public Quantity Cpu { get; set; } = Quantity.Parse("4");

    /// <summary>Memory capacity of each node; 16Gi.</summary>
    public Quantity Memory { get; set; } = Quantity.Parse("16Gi");

    /// <summary>Ephemeral storage capacity of each node; 100Gi.</summary>
    public Quantity EphemeralStorage { get; set; } = Quantity.Parse("100Gi");

    /// <summary>The most pods each node runs; 110.</summary>
    public int Pods { get; set; } = 110;

    /// <summary>Extra labels of every node (besides <c>kubernetes.io/hostname</c>, <c>/os</c> and <c>/arch</c>).</summary>
    public Dictionary<string, string> Labels { get; } = [];

    /// <summary>Taints of every node.</summary>
    public List<Taint> Taints { get; } = [];

    /// <summary>When not empty, node <c>i</c> gets the label <c>topology.kubernetes.io/zone</c> = <c>Zones[i % Zones.Count]</c>.</summary>
    public List<string> Zones { get; } = [];

    /// <summary>Images present on every node from the start.</summary>
    public List<string> PreloadedImages { get; } = [];

    /// <summary>See <see cref="SimulatedRuntimeOptions.InvalidImageMarker"/>.</summary>
    public string? InvalidImageMarker { get; set; } = "invalid";

    /// <summary>See <see cref="SimulatedRuntimeOptions.Behavior"/>.</summary>
    public Func<SimulatedContainerContext, SimulatedBehavior>? Behavior { get; set; }
}
