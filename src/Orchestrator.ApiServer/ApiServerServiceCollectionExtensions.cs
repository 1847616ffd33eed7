using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orchestrator.ApiServer.Hosting;

namespace Orchestrator.ApiServer;

/// <summary>Registers the Kubernetes-compatible HTTP endpoint.</summary>
public static class ApiServerServiceCollectionExtensions
{
    /// <summary>
    /// Registers a hosted service that, when the host starts, serves the Kubernetes REST API over the registered
    /// <see cref="Store.IObjectStore"/> on Kestrel (127.0.0.1, a free port by default), requires a bearer token, and writes a
    /// kubeconfig so that <c>kubectl --kubeconfig &lt;file&gt;</c> works without other flags. Logs use the
    /// <see cref="Client.IOrchestratorClient"/> when one is registered (as <c>AddOrchestrator</c> does). Resolve
    /// <see cref="IApiServer"/> after start for the address, token and kubeconfig path. Register it after
    /// <c>AddOrchestrator</c> so that it starts after the store and stops before it.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddOrchestrator().AddSimulatedNodes(2);
    /// builder.Services.AddOrchestratorApiServer(o => o.KubeconfigPath = "kubeconfig");
    /// // then: kubectl --kubeconfig kubeconfig get pods -A
    /// </code>
    /// </example>
    public static IServiceCollection AddOrchestratorApiServer(this IServiceCollection services, Action<ApiServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ApiServerOptions>();
        if (configure is not null) services.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ApiServerHost>();
        services.TryAddSingleton<IApiServer>(sp => sp.GetRequiredService<ApiServerHost>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ApiServerHost>(sp => sp.GetRequiredService<ApiServerHost>()));
        return services;
    }
}
