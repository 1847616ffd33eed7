using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Controllers;
using Orchestrator.Hosting;
using Orchestrator.Networking.Dns;
using Orchestrator.Networking.Services;

namespace Orchestrator.Networking;

/// <summary>Registers the Service data plane: the in-process Service proxy, the cluster DNS server and <see cref="IServiceAddresses"/>.</summary>
public static class ServiceNetworkingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Service proxy and the cluster DNS server as hosted services (after the shared informers, so they
    /// stop before them) and <see cref="IServiceAddresses"/> as a singleton. Idempotent; <c>AddOrchestrator</c> calls it.
    /// </summary>
    /// <remarks>
    /// Settings come from a registered <see cref="ServiceNetworkingOptions"/> singleton, or else
    /// <see cref="OrchestratorOptions.Services"/>. When an <see cref="IServiceHostNetwork"/> is registered (the Docker
    /// package does), Services also listen on their ClusterIP and cluster DNS listens on port 53 of every pod-facing
    /// address; otherwise only the loopback addresses and NodePorts run, and DNS serves only
    /// <see cref="ServiceNetworkingOptions.DnsEndPoint"/> when set. Log categories: <c>Orchestrator.Networking.ServiceProxy</c>
    /// and <c>Orchestrator.Networking.ClusterDns</c>; meter <see cref="ServiceNetworkingDiagnostics.MeterName"/>.
    /// </remarks>
    public static IServiceCollection AddServiceNetworking(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(ServiceProxy))) return services;
        services.AddSharedInformers();
        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<OrchestratorOptions>>().Value.Services);
        services.TryAddSingleton(sp => new ServiceProxyMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(sp => new ServiceProxy(
            sp.GetRequiredService<SharedInformerFactory>(),
            sp.GetRequiredService<ServiceNetworkingOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            Logger(sp, "Orchestrator.Networking.ServiceProxy"),
            sp.GetRequiredService<ServiceProxyMetrics>(),
            sp.GetService<IServiceHostNetwork>()));
        services.TryAddSingleton<IServiceAddresses>(sp => sp.GetRequiredService<ServiceProxy>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ServiceProxy>());
        services.AddSingleton(sp => new ClusterDnsServer(
            sp.GetRequiredService<SharedInformerFactory>(),
            sp.GetRequiredService<ServiceNetworkingOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            Logger(sp, "Orchestrator.Networking.ClusterDns"),
            sp.GetRequiredService<ServiceProxyMetrics>(),
            sp.GetService<IServiceHostNetwork>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ClusterDnsServer>());
        return services;
    }

    private static ILogger Logger(IServiceProvider sp, string category) =>
        (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger(category);
}
