using Orchestrator.NodeAgent;
using Orchestrator.Runtime;

namespace Orchestrator.Client;

/// <summary>Finds the container runtime that runs a node's pods, for logs and exec.</summary>
internal interface INodeRuntimeLocator
{
    /// <summary>The runtime of node <paramref name="nodeName"/>, or null when this process does not run that node.</summary>
    IContainerRuntime? Find(string nodeName);
}

/// <summary>A fixed list of nodes.</summary>
internal sealed class StaticNodeRuntimes(IEnumerable<NodeRegistration> nodes) : INodeRuntimeLocator
{
    private readonly Dictionary<string, IContainerRuntime> _runtimes = nodes
        .GroupBy(n => n.Name, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First().Runtime, StringComparer.Ordinal);

    public IContainerRuntime? Find(string nodeName) => _runtimes.GetValueOrDefault(nodeName);
}
