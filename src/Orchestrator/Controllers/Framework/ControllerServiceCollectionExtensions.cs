using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>Registers controllers and the shared informers they read from.</summary>
public static class ControllerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the process-wide <see cref="SharedInformerFactory"/> (reading from the registered
    /// <see cref="IObjectReader"/>, or else <see cref="IObjectStore"/>) and a hosted service that stops its informers when
    /// the host stops, after every hosted service registered later. Idempotent; <see cref="AddController"/> calls it.
    /// </summary>
    public static IServiceCollection AddSharedInformers(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SharedInformerFactory(
            sp.GetService<IObjectReader>() ?? sp.GetRequiredService<IObjectStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, InformerFactoryLifetime>());
        return services;
    }

    /// <summary>
    /// Registers the controller declared by <paramref name="controller"/> as a hosted service: it starts with the host,
    /// reconciles once its informers have synced, and stops (cancelling in-flight reconciles) when the host stops.
    /// </summary>
    /// <exception cref="InvalidOperationException">The builder has no reconciler, or a controller of that name is registered.</exception>
    public static IServiceCollection AddController(this IServiceCollection services, ControllerBuilder controller)
    {
        ArgumentNullException.ThrowIfNull(controller);
        if (controller.ReconcilerFactory is null)
        {
            throw new InvalidOperationException($"Controller \"{controller.Name}\" has no reconciler; call WithReconciler.");
        }
        if (services.Any(d => d.ImplementationInstance is ControllerRegistration r && r.Name == controller.Name))
        {
            throw new InvalidOperationException($"A controller named \"{controller.Name}\" is already registered.");
        }
        services.AddSharedInformers();
        services.AddEventRecorders();
        services.TryAddSingleton(sp => new ControllerMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(new ControllerRegistration(controller.Name));
        services.AddSingleton<IHostedService>(sp => new Controller(controller, sp));
        return services;
    }

    /// <summary>
    /// Registers the controller <paramref name="build"/> declares, unless a controller named <paramref name="name"/> is
    /// registered already: what makes the <c>Add*Controller</c> extensions idempotent. <paramref name="build"/> runs only
    /// when the controller is added.
    /// </summary>
    internal static IServiceCollection TryAddController(this IServiceCollection services, string name, Func<ControllerBuilder> build)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.Any(d => d.ImplementationInstance is ControllerRegistration r && r.Name == name) ? services : services.AddController(build());
    }

    /// <summary>Sets the reconciler to one made from the <see cref="ControllerDependencies"/> of the controller.</summary>
    internal static ControllerBuilder WithReconciler(this ControllerBuilder builder, Func<ControllerDependencies, IReconciler> create) =>
        builder.WithReconciler(sp => create(ControllerDependencies.Resolve(sp, builder.Name)));

    private sealed record ControllerRegistration(string Name);

    private sealed class InformerFactoryLifetime(SharedInformerFactory informers) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => informers.DisposeAsync().AsTask().WaitAsync(cancellationToken);
    }
}
