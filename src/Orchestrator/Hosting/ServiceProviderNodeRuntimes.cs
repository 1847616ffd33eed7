using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Client;
using Orchestrator.NodeAgent;
using Orchestrator.Runtime;

namespace Orchestrator.Hosting;

/// <summary>
/// Finds the runtime of a node among the nodes registered in a service provider (the ones its node agent host runs).
/// Resolved on first use, so that creating the client does not connect runtimes (a Docker engine) before the host starts.
/// </summary>
/// <remarks>
/// The registrations come from the same deferred sources the node agent host reads; the built-in sources
/// (<c>AddSimulatedNodes</c>, <c>AddDockerRuntime</c>, <c>AddNode</c>) return the same runtime instances to every reader.
/// </remarks>
internal sealed class ServiceProviderNodeRuntimes(IServiceProvider services) : INodeRuntimeLocator
{
    private readonly Lazy<IReadOnlyDictionary<string, IContainerRuntime>> _runtimes = new(() =>
        services.GetServices<NodeAgentServiceCollectionExtensions.NodeRegistrationSource>()
            .SelectMany(s => s.Resolve(services))
            .GroupBy(n => n.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Runtime, StringComparer.Ordinal));

    public IContainerRuntime? Find(string nodeName) => _runtimes.Value.GetValueOrDefault(nodeName);
}
