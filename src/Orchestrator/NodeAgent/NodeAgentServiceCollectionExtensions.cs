using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Controllers;
using Orchestrator.Networking;
using Orchestrator.Store;

namespace Orchestrator.NodeAgent;

/// <summary>Registers node agents.</summary>
public static class NodeAgentServiceCollectionExtensions
{
    /// <summary>
    /// Registers the one <see cref="NodeAgentHost"/> that runs every node registered with <see cref="AddNodeAgent(IServiceCollection, NodeRegistration)"/>
    /// (and <see cref="Runtime.Simulated.SimulatedNodeServiceCollectionExtensions.AddSimulatedNodes"/>), with its
    /// options, the shared informers, event recorders and a default <see cref="INetworkProvider"/>
    /// (<see cref="InProcessNetworkProvider"/>) unless one is registered. Needs an <see cref="IObjectStore"/>. Idempotent;
    /// the first options given win.
    /// </summary>
    public static IServiceCollection AddNodeAgents(this IServiceCollection services, NodeAgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSharedInformers();
        services.AddEventRecorders();
        services.TryAddSingleton(options ?? new NodeAgentOptions());
        services.TryAddSingleton<INetworkProvider>(_ => new InProcessNetworkProvider());
        services.TryAddSingleton(sp => new NodeAgentHost(
            sp.GetRequiredService<IObjectStore>(),
            sp.GetRequiredService<SharedInformerFactory>(),
            sp.GetServices<NodeRegistrationSource>().SelectMany(s => s.Resolve(sp)),
            sp.GetRequiredService<NodeAgentOptions>(),
            sp.GetService<IEventRecorderFactory>(),
            sp.GetRequiredService<INetworkProvider>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, NodeAgentHostedService>());
        return services;
    }

    /// <summary>Registers one node whose agent runs in the <see cref="NodeAgentHost"/>; also calls <see cref="AddNodeAgents"/>.</summary>
    public static IServiceCollection AddNodeAgent(this IServiceCollection services, NodeRegistration node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return services.AddNodeAgent(_ => [node]);
    }

    /// <summary>
    /// Registers nodes created from the service provider when the host starts (for runtimes that need services);
    /// also calls <see cref="AddNodeAgents"/>.
    /// </summary>
    public static IServiceCollection AddNodeAgent(this IServiceCollection services, Func<IServiceProvider, IEnumerable<NodeRegistration>> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        services.AddNodeAgents();
        services.AddSingleton(new NodeRegistrationSource(nodes));
        return services;
    }

    /// <summary>A deferred list of node registrations.</summary>
    internal sealed class NodeRegistrationSource(Func<IServiceProvider, IEnumerable<NodeRegistration>> resolve)
    {
        public IEnumerable<NodeRegistration> Resolve(IServiceProvider services) => resolve(services);
    }

    /// <summary>Adapts the singleton host to the hosted-service list without a second instance.</summary>
    private sealed class NodeAgentHostedService(NodeAgentHost host) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => host.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => host.StopAsync(cancellationToken);
    }
}
