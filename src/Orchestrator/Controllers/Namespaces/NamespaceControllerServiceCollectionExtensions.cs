using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>Registers the namespace controller.</summary>
public static class NamespaceControllerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the namespace controller (a <see cref="ControllerBuilder"/> controller named <c>namespace-controller</c>):
    /// when a namespace is deleted, it deletes every object in it through the registered <see cref="IObjectStore"/>,
    /// reports progress in the namespace's <c>status.conditions</c> (<c>NamespaceContentRemaining</c>,
    /// <c>NamespaceFinalizersRemaining</c>, <c>NamespaceDeletionContentFailure</c>, ...) and, once nothing is left,
    /// removes the <c>kubernetes</c> finalizer so that the store removes the namespace. Without it, a deleted namespace
    /// stays Terminating. Calling it again only adds <paramref name="configure"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddNamespaceController();
    /// // Later: removes the namespace and everything in it.
    /// await store.DeleteAsync&lt;Namespace&gt;(null, "team-a");
    /// </code>
    /// </example>
    public static IServiceCollection AddNamespaceController(this IServiceCollection services, Action<NamespaceControllerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<NamespaceControllerOptions>();
        if (configure is not null) options.Configure(configure);
        if (services.Any(d => d.ServiceType == typeof(NamespaceControllerMarker))) return services;
        services.AddSingleton<NamespaceControllerMarker>();

        var builder = ControllerBuilder.For<Namespace>(NamespaceReconciler.Name)
            .WithReconciler(sp =>
            {
                var settings = sp.GetRequiredService<IOptions<NamespaceControllerOptions>>().Value;
                return new NamespaceReconciler(
                    sp.GetRequiredService<IObjectStore>(),
                    sp.GetRequiredService<SharedInformerFactory>(),
                    sp.GetRequiredService<TimeProvider>(),
                    settings,
                    (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger($"Orchestrator.Controllers.{NamespaceReconciler.Name}"));
            });
        // Any change of content in a terminating namespace (above all, an object leaving it) queues the namespace.
        var watchContent = typeof(NamespaceControllerServiceCollectionExtensions).GetMethod(nameof(WatchContent), BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (var kind in ApiResources.All.Where(k => k.Namespaced))
        {
            builder = (ControllerBuilder)watchContent.MakeGenericMethod(kind.ClrType).Invoke(null, [builder])!;
        }
        // Namespaces are deleted rarely; two workers let one large namespace not hold up another.
        services.AddController(builder.WithWorkers(2));
        return services;
    }

    private static ControllerBuilder WatchContent<T>(ControllerBuilder builder) where T : KubernetesObject =>
        builder.Watches<T>(static services =>
        {
            var namespaces = services.GetRequiredService<SharedInformerFactory>().GetLister<Namespace>();
            return obj => IsTerminating(namespaces.Get(null, obj.Metadata.Namespace ?? ""))
                ? [new ObjectKey("", obj.Metadata.Namespace!)]
                : [];
        });

    private static bool IsTerminating(Namespace? ns) => ns?.Metadata.DeletionTimestamp is not null;

    /// <summary>Marks the controller as registered, so a second call does not add a second one.</summary>
    private sealed class NamespaceControllerMarker;
}
