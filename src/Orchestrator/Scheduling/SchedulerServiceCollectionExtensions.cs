using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Controllers;
using Orchestrator.Scheduling.Plugins;
using Orchestrator.Store;

namespace Orchestrator.Scheduling;

/// <summary>Registers the scheduler.</summary>
public static class SchedulerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the scheduler as a hosted service, with the built-in plugins, the shared informers and the event
    /// recorders it uses. It schedules the pods of its profiles (by default those with <c>spec.schedulerName:
    /// default-scheduler</c>) once the host starts and its informers have synced, and writes bindings through the
    /// registered <see cref="IObjectStore"/>. Calling it again only adds <paramref name="configure"/>. Plugins registered
    /// as <see cref="IPlugin"/> can be named in profiles next to the built-in ones (a custom plugin with a built-in
    /// plugin's name replaces it).
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// Thrown when the host starts if the options are invalid, for example a profile naming an unknown plugin.
    /// </exception>
    /// <example>
    /// <code>
    /// services.AddScheduler(options => options.PercentageOfNodesToScore = 100);
    /// </code>
    /// </example>
    public static IServiceCollection AddScheduler(this IServiceCollection services, Action<SchedulerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<SchedulerOptions>();
        if (configure is not null) options.Configure(configure);
        if (services.Any(d => d.ServiceType == typeof(SchedulerMetrics))) return services;

        services.AddSharedInformers();
        services.AddEventRecorders();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SchedulerMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<IPodBinder>(sp => new StorePodBinder(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IHostedService>(sp => new Scheduler(
            sp.GetRequiredService<SharedInformerFactory>(),
            sp.GetRequiredService<IPodBinder>(),
            sp.GetRequiredService<IEventRecorderFactory>(),
            sp.GetRequiredService<IOptions<SchedulerOptions>>().Value,
            BuiltInPlugins().Concat(sp.GetServices<IPlugin>()),
            sp.GetRequiredService<SchedulerMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<Scheduler>()));
        return services;
    }

    /// <summary>A fresh instance of every built-in plugin.</summary>
    internal static IEnumerable<IPlugin> BuiltInPlugins() =>
    [
        new NodeUnschedulable(),
        new NodeName(),
        new TaintToleration(),
        new NodeReady(),
        new NodeAffinity(),
        new NodePorts(),
        new NodeResourcesFit(),
        new VolumeRestrictions(),
        new InterPodAffinity(),
        new NodeResourcesLeastAllocated(),
        new NodeResourcesBalancedAllocation(),
        new ImageLocality(),
        new SelectorSpread(),
    ];
}
