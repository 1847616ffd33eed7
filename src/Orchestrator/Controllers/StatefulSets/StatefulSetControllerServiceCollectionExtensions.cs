using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>Registers the StatefulSet controller.</summary>
public static class StatefulSetControllerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the StatefulSet controller (a <see cref="ControllerBuilder"/> controller named
    /// <c>statefulset-controller</c>): it keeps pods <c>&lt;set&gt;-0</c> … <c>&lt;set&gt;-(N-1)</c> (from
    /// <c>spec.ordinals.start</c>) with hostname = pod name and subdomain = <c>spec.serviceName</c>, one claim per pod and
    /// claim template (<c>&lt;template&gt;-&lt;set&gt;-&lt;ordinal&gt;</c>) that outlives the pod, <c>OrderedReady</c> or
    /// <c>Parallel</c> pod management, <c>RollingUpdate</c> (from the highest ordinal down to the partition) or
    /// <c>OnDelete</c> updates, ControllerRevisions for its templates, and the set's status. Claims become usable once bound:
    /// register <see cref="PersistentVolumeBinderServiceCollectionExtensions.AddPersistentVolumeBinder"/> (or another binder)
    /// too. Needs an <see cref="IObjectStore"/>. Idempotent.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddStatefulSetController().AddPersistentVolumeBinder();
    /// </code>
    /// </example>
    public static IServiceCollection AddStatefulSetController(this IServiceCollection services) =>
        services.TryAddController(StatefulSetReconciler.Name, static () => ControllerBuilder.For<StatefulSet>(StatefulSetReconciler.Name)
            .Owns<Pod>()
            .Watches<PersistentVolumeClaim>(static sp =>
            {
                // A claim that goes away (or changes owners) may unblock the pod of its ordinal.
                var sets = sp.GetRequiredService<SharedInformerFactory>().GetLister<StatefulSet>();
                return claim => sets.List(claim.Metadata.Namespace)
                    .Where(s => IsClaimOf(s, claim))
                    .Select(ObjectKey.Of);
            })
            .WithReconciler(static d => new StatefulSetReconciler(d.Store, d.Informers, d.Events, d.Time, d.Logger))
            .WithWorkers(2));

    private static bool IsClaimOf(StatefulSet set, PersistentVolumeClaim claim)
    {
        var name = claim.Metadata.Name ?? "";
        foreach (var template in set.Spec.VolumeClaimTemplates)
        {
            if (name.StartsWith($"{template.Metadata.Name}-{set.Metadata.Name}-", StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
