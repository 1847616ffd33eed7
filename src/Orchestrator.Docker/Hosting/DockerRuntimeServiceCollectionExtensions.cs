using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orchestrator.Hosting;
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
        return Task.Run(() => DockerNodes.ConnectAsync(options, loggers, time, cancellation.Token), cancellation.Token).GetAwaiter().GetResult();
    }
}
