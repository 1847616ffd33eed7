using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>Registers the event recorder factory.</summary>
public static class EventServiceCollectionExtensions
{
    /// <summary>
    /// Registers the process-wide <see cref="IEventRecorderFactory"/>, writing through the registered
    /// <see cref="IObjectWriter"/> (or else <see cref="IObjectStore"/>). Queued events are flushed, for at most a few
    /// seconds, when the service provider is disposed. Idempotent; <see cref="ControllerServiceCollectionExtensions.AddController"/> calls it.
    /// </summary>
    public static IServiceCollection AddEventRecorders(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEventRecorderFactory>(sp => new EventBroadcaster(
            sp.GetService<IObjectWriter>() ?? sp.GetRequiredService<IObjectStore>(),
            sp.GetRequiredService<TimeProvider>(),
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("Orchestrator.Controllers.Events")));
        return services;
    }
}
