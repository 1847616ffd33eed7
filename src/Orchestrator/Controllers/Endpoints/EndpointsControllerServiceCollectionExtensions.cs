using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>Registers the endpoints controller.</summary>
public static class EndpointsControllerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the endpoints controller (a <see cref="ControllerBuilder"/> controller named <c>endpoint-controller</c>):
    /// for every Service with a selector (and not of type ExternalName) it keeps an Endpoints object of the same name and
    /// labels listing the pods the selector matches: Ready pods under <c>addresses</c>, others under
    /// <c>notReadyAddresses</c> (all under <c>addresses</c> with <c>publishNotReadyAddresses</c>), pods that are
    /// terminating, finished or without an IP left out; each address with its <c>nodeName</c>, a <c>targetRef</c> to the
    /// pod, and <c>hostname</c> when the pod's <c>spec.subdomain</c> names the Service. Each Service port becomes an
    /// endpoint port with the same name and protocol and the target port resolved per pod (a named <c>targetPort</c> is
    /// looked up in the pod's container ports; a pod without it is left out of that port), and addresses with the same
    /// ports share a subset. The Endpoints follows pods as they become ready or unready, change labels or go away, is
    /// deleted with its Service, and is not written when nothing changed. Services without a selector keep the
    /// Endpoints users write for them. Needs an <see cref="IObjectStore"/>. Idempotent.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddEndpointsController();
    /// </code>
    /// </example>
    public static IServiceCollection AddEndpointsController(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(EndpointsControllerMarker))) return services;
        services.AddSingleton<EndpointsControllerMarker>();
        services.AddController(ControllerBuilder.For<Service>(EndpointsReconciler.Name)
            .Watches<Pod>(static sp =>
            {
                var lister = sp.GetRequiredService<SharedInformerFactory>().GetLister<Service>();
                return pod => lister.List(pod.Metadata.Namespace)
                    .Where(s => EndpointsReconciler.Manages(s) && EndpointsReconciler.Selects(s, pod))
                    .Select(ObjectKey.Of);
            })
            .Watches<Endpoints>(static sp =>
            {
                // An Endpoints of a managed service that is deleted or edited by hand is put back.
                var lister = sp.GetRequiredService<SharedInformerFactory>().GetLister<Service>();
                return endpoints => lister.Get(endpoints.Metadata.Namespace, endpoints.Metadata.Name ?? "") is { } service &&
                    EndpointsReconciler.Manages(service)
                    ? [ObjectKey.Of(endpoints)]
                    : [];
            })
            .WithReconciler(sp => new EndpointsReconciler(
                sp.GetRequiredService<IObjectStore>(),
                sp.GetRequiredService<SharedInformerFactory>(),
                sp.GetRequiredService<IEventRecorderFactory>(),
                (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger($"Orchestrator.Controllers.{EndpointsReconciler.Name}")))
            .WithWorkers(2));
        return services;
    }

    /// <summary>Marks the controller as registered, so a second call does not add a second one.</summary>
    private sealed class EndpointsControllerMarker;
}
