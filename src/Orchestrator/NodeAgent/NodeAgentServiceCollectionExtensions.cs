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
    /// (and <see cref="Runtime.Simulated.SimulatedNodeServiceCollectionExtensions.AddSimulatedNodes"/>), with the shared
    /// informers, event recorders and a default <see cref="INetworkProvider"/> (<see cref="InProcessNetworkProvider"/>)
    /// unless one is registered. Needs an <see cref="IObjectStore"/>. Calling it again only adds <paramref name="configure"/>;
    /// the changes apply in order to the defaults.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddNodeAgents(o =&gt; o with { HeartbeatInterval = TimeSpan.FromSeconds(5), BackOffMax = TimeSpan.FromSeconds(30) });
    /// </code>
    /// </example>
    public static IServiceCollection AddNodeAgents(this IServiceCollection services, Func<NodeAgentOptions, NodeAgentOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null) services.AddSingleton(new NodeAgentOptionsChange(configure));
        services.AddSharedInformers();
        services.AddEventRecorders();
        services.TryAddSingleton(sp => sp.GetServices<NodeAgentOptionsChange>().Aggregate(new NodeAgentOptions(), (options, change) => change.Apply(options)));
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

    /// <summary>One change to the node agent options.</summary>
    internal sealed record NodeAgentOptionsChange(Func<NodeAgentOptions, NodeAgentOptions> Apply);

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
