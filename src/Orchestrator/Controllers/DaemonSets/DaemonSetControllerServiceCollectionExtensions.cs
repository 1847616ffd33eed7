using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>Registers the DaemonSet controller.</summary>
public static class DaemonSetControllerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the DaemonSet controller (a <see cref="ControllerBuilder"/> controller named <c>daemonset-controller</c>):
    /// it keeps exactly one pod on every node its template's node selector, required node affinity and tolerations (plus
    /// the standard daemon tolerations) allow, adding pods when nodes join or start matching and removing them when nodes
    /// leave or stop matching. Pods are pinned to their node with node affinity and placed by the default scheduler, so
    /// register <see cref="Scheduling.SchedulerServiceCollectionExtensions.AddScheduler"/> too. Updates follow
    /// <c>RollingUpdate</c> (<c>maxUnavailable</c> or <c>maxSurge</c>) or <c>OnDelete</c>; the set's status counts
    /// desired, scheduled, misscheduled, ready, available and updated nodes. Needs an <see cref="IObjectStore"/>. Idempotent.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddScheduler().AddDaemonSetController();
    /// </code>
    /// </example>
    public static IServiceCollection AddDaemonSetController(this IServiceCollection services) =>
        services.TryAddController(DaemonSetReconciler.Name, static () => ControllerBuilder.For<DaemonSet>(DaemonSetReconciler.Name)
            .Owns<Pod>()
            .Watches<Node>(static sp =>
            {
                // Any node change (joining, leaving, labels, taints, readiness) may change where daemons belong.
                var sets = sp.GetRequiredService<SharedInformerFactory>().GetLister<DaemonSet>();
                return _ => sets.List().Select(ObjectKey.Of);
            })
            .WithReconciler(static d => new DaemonSetReconciler(d.Store, d.Informers, d.Events, d.Time, d.Logger))
            .WithWorkers(2));
}
