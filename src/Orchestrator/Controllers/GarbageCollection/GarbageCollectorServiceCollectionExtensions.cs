using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>Registers the garbage collector.</summary>
public static class GarbageCollectorServiceCollectionExtensions
{
    /// <summary>
    /// Registers the garbage collector as a hosted service, with the shared informers and event recorders it uses. It
    /// watches every kind of <see cref="Api.ApiResources"/> (but <see cref="GarbageCollectorOptions.IgnoredKinds"/>) and,
    /// through the registered <see cref="IObjectStore"/>, deletes objects whose owners (<c>metadata.ownerReferences</c>)
    /// are all gone, and carries out the <see cref="PropagationPolicy.Foreground"/> and
    /// <see cref="PropagationPolicy.Orphan"/> deletions the store records as finalizers. Calling it again only adds
    /// <paramref name="configure"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddGarbageCollector();
    /// // Later: deleting a ReplicaSet deletes its pods; with PropagationPolicy.Orphan it leaves them.
    /// await store.DeleteAsync&lt;ReplicaSet&gt;("default", "web", new DeleteOptions { PropagationPolicy = PropagationPolicy.Foreground });
    /// </code>
    /// </example>
    public static IServiceCollection AddGarbageCollector(this IServiceCollection services, Action<GarbageCollectorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<GarbageCollectorOptions>();
        if (configure is not null) options.Configure(configure);
        if (services.Any(d => d.ServiceType == typeof(GarbageCollectorMarker))) return services;

        services.AddSingleton<GarbageCollectorMarker>();
        services.AddSharedInformers();
        services.AddEventRecorders();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ControllerMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton<IHostedService>(sp => new GarbageCollector(
            sp.GetRequiredService<IObjectStore>(),
            sp.GetRequiredService<SharedInformerFactory>(),
            sp.GetRequiredService<IEventRecorderFactory>(),
            sp.GetRequiredService<ControllerMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<GarbageCollectorOptions>>().Value,
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger($"Orchestrator.Controllers.{GarbageCollector.Name}")));
        return services;
    }

    /// <summary>Marks the collector as registered, so a second call does not add a second one.</summary>
    private sealed class GarbageCollectorMarker;
}
