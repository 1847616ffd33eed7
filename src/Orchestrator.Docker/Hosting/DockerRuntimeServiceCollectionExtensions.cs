using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Docker.Networking;
using Orchestrator.Hosting;
using Orchestrator.Networking;
using Orchestrator.NodeAgent;

namespace Orchestrator.Docker.Hosting;

/// <summary>Registers nodes that run pods on Docker.</summary>
public static class DockerRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Registers one node per Docker engine of <see cref="DockerRuntimeOptions.Hosts"/> (the local engine when the list
    /// is empty), run by the node agent host (<see cref="NodeAgentServiceCollectionExtensions.AddNodeAgents"/>), each
    /// with its <see cref="Runtime.DockerContainerRuntime"/> and pod network. The engines are connected when the node
    /// agent host is created (at host start-up), waiting at most the endpoints' connect timeouts plus a minute: an
    /// engine that does not answer then fails the start with a message listing what was tried. The
    /// <see cref="DockerNodes"/> is registered as a singleton (the first registered, when called more than once).
    /// </summary>
    /// <remarks>
    /// Services: it also registers the Docker <see cref="IServiceHostNetwork"/> (the first registered wins), so that the
    /// Service proxy of <see cref="ServiceNetworkingServiceCollectionExtensions.AddServiceNetworking"/> binds each
    /// ClusterIP as an address on <c>lo</c> (removed again when the host stops) and the cluster DNS listens on the
    /// gateway of every local engine's pod network. When that data plane is registered and enabled, the process has
    /// CAP_NET_ADMIN and CAP_NET_BIND_SERVICE (root) and <see cref="NodeAgentOptions.ClusterDns"/> is empty, the pods of
    /// each node on a local engine resolve through the cluster DNS at their own network's gateway (search
    /// <c>&lt;ns&gt;.svc.cluster.local svc.cluster.local cluster.local</c>, <c>ndots:5</c>); otherwise they keep Docker's
    /// resolver and a warning says why. Engines on other machines get neither (logged at start).
    /// </remarks>
    /// <example>
    /// <code>
    /// services.AddSingleton&lt;IObjectStore&gt;(new InMemoryObjectStore());
    /// services.AddDockerRuntime(o =>
    /// {
    ///     o.ClusterId = "shop-dev";
    ///     o.Hosts.Add(new DockerHostOptions { Name = "node-a" });
    ///     o.Hosts.Add(new DockerHostOptions { Name = "node-b", Endpoint = new() { Host = "unix:///run/docker-b.sock" } });
    /// });
    /// </code>
    /// </example>
    public static IServiceCollection AddDockerRuntime(this IServiceCollection services, Action<DockerRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new DockerRuntimeOptions();
        configure?.Invoke(options);
        var key = new object();
        services.AddKeyedSingleton(key, (sp, _) => Connect(sp, options));
        services.TryAddSingleton(sp => sp.GetRequiredKeyedService<DockerNodes>(key));
        services.AddNodeAgent(sp => sp.GetRequiredKeyedService<DockerNodes>(key).Registrations);
        services.AddKeyedSingleton(key, (sp, _) => CreateHostNetwork(sp, sp.GetRequiredKeyedService<DockerNodes>(key)));
        services.TryAddSingleton<IServiceHostNetwork>(sp => sp.GetRequiredKeyedService<DockerServiceHostNetwork>(key));
        return services;
    }

    /// <summary>
    /// Runs the orchestrator's pods on Docker: one node per engine of <see cref="DockerRuntimeOptions.Hosts"/> (the local
    /// engine when the list is empty). See <see cref="AddDockerRuntime(IServiceCollection, Action{DockerRuntimeOptions}?)"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddOrchestrator().AddDockerRuntime(o => o.ClusterId = "shop-dev");
    /// </code>
    /// </example>
    public static OrchestratorBuilder AddDockerRuntime(this OrchestratorBuilder builder, Action<DockerRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDockerRuntime(configure);
        return builder;
    }

    private static DockerNodes Connect(IServiceProvider services, DockerRuntimeOptions options)
    {
        var hosts = options.Hosts.Count == 0 ? [new DockerHostOptions()] : options.Hosts;
        var timeout = hosts.Max(h => h.Endpoint.ConnectTimeout) + TimeSpan.FromMinutes(1);
        using var cancellation = new CancellationTokenSource(timeout);
        var loggers = services.GetService<ILoggerFactory>();
        var time = services.GetService<TimeProvider>();
        // Service factories are synchronous; connecting happens once, on the thread pool, when the agent host is built.
        var clusterDns = UseClusterDns(services, loggers);
        return Task.Run(() => DockerNodes.ConnectCoreAsync(options, loggers, time, clusterDns, cancellation.Token), cancellation.Token).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Whether pods get the in-process cluster DNS as their resolver: when the Service data plane is registered and
    /// enabled, no cluster DNS was configured by hand, and the process may bind port 53 and add addresses.
    /// </summary>
    private static bool UseClusterDns(IServiceProvider services, ILoggerFactory? loggers)
    {
        var registered = services.GetService<IServiceProviderIsService>()?.IsService(typeof(IServiceAddresses)) == true;
        if (!registered || services.GetService<ServiceNetworkingOptions>() is not { Enabled: true }) return false;
        if (services.GetService<NodeAgentOptions>() is { ClusterDns.Count: > 0 }) return false;
        if (HostPrivileges.Missing() is { } missing)
        {
            if (loggers is not null) DockerServiceNetworkLog.Unprivileged(loggers.CreateLogger("Orchestrator.Docker.Networking"), missing);
            return false;
        }
        return true;
    }

    private static DockerServiceHostNetwork CreateHostNetwork(IServiceProvider services, DockerNodes nodes)
    {
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Orchestrator.Docker.Networking");
        // Leftovers of a crashed run are reaped only inside this cluster's service range (and only without a listener).
        var range = services.GetService<IOptions<OrchestratorOptions>>()?.Value.Store.ServiceClusterIPRange;
        var reapRange = IPNetwork.TryParse(range, out var parsed) ? parsed : (IPNetwork?)null;
        return new DockerServiceHostNetwork(nodes.Networks, new LoopbackAddresses(new IpCommand(), reapRange, logger), logger);
    }
}
