using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// What a built-in reconciler is made of, resolved from the container: the store it writes through, the shared
/// informers it reads from, its event recorders, the clock, and its logger (category <c>Orchestrator.Controllers.&lt;name&gt;</c>).
/// </summary>
internal sealed record ControllerDependencies(
    IObjectStore Store, SharedInformerFactory Informers, IEventRecorderFactory Events, TimeProvider Time, ILogger Logger, IServiceProvider Services)
{
    /// <summary>Resolves the dependencies of the controller named <paramref name="name"/>.</summary>
    public static ControllerDependencies Resolve(IServiceProvider services, string name) => new(
        services.GetRequiredService<IObjectStore>(),
        services.GetRequiredService<SharedInformerFactory>(),
        services.GetRequiredService<IEventRecorderFactory>(),
        services.GetRequiredService<TimeProvider>(),
        LoggerOf(services, name),
        services);

    /// <summary>The logger of the controller named <paramref name="name"/>; a null logger without a logger factory.</summary>
    public static ILogger LoggerOf(IServiceProvider services, string name) =>
        (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger($"Orchestrator.Controllers.{name}");
}
