using Microsoft.Extensions.DependencyInjection;
using Orchestrator.NodeAgent;
using Orchestrator.Runtime.Simulated;

namespace Orchestrator.Hosting;

/// <summary>
/// Returned by <see cref="OrchestratorServiceCollectionExtensions.AddOrchestrator"/> to choose the nodes pods run on:
/// <see cref="AddSimulatedNodes"/> here, <c>AddDockerRuntime</c> in the <c>Orchestrator.Docker</c> package, or any
/// <see cref="NodeRegistration"/> with <see cref="AddNode"/>. Every method returns the same builder, for chaining.
/// </summary>
/// <example>
/// <code>
/// builder.Services.AddOrchestrator().AddSimulatedNodes(3);
/// </code>
/// </example>
public sealed class OrchestratorBuilder
{
    /// <summary>Wraps <paramref name="services"/>; use <see cref="OrchestratorServiceCollectionExtensions.AddOrchestrator"/> to get one.</summary>
    public OrchestratorBuilder(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;
    }

    /// <summary>The service collection the orchestrator is registered in, for further registrations.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Adds <paramref name="count"/> simulated nodes (<c>node-1</c>…<c>node-N</c>, 4 CPU and 16Gi each unless
    /// <paramref name="configure"/> says otherwise) whose containers "run" in memory, programmed by the pods'
    /// <see cref="SimulatedAnnotations"/>. Call again with another <see cref="SimulatedNodeOptions.NamePrefix"/> for a
    /// second pool. See <see cref="SimulatedNodeServiceCollectionExtensions.AddSimulatedNodes"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public OrchestratorBuilder AddSimulatedNodes(int count, Action<SimulatedNodeOptions>? configure = null)
    {
        Services.AddSimulatedNodes(count, configure);
        return this;
    }

    /// <summary>Adds one node run by the node agent host, over the runtime in <paramref name="node"/>.</summary>
    public OrchestratorBuilder AddNode(NodeRegistration node)
    {
        ArgumentNullException.ThrowIfNull(node);
        Services.AddNodeAgent(node);
        return this;
    }

    /// <summary>
    /// Adds nodes created from the service provider when the node agent host is created (at host start), for runtimes
    /// that need services.
    /// </summary>
    public OrchestratorBuilder AddNodes(Func<IServiceProvider, IEnumerable<NodeRegistration>> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        Services.AddNodeAgent(nodes);
        return this;
    }
}
