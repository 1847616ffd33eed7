using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>Registers the ReplicaSet and ReplicationController controllers.</summary>
public static class ReplicaSetControllerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ReplicaSet controller (a <see cref="ControllerBuilder"/> controller named <c>replicaset-controller</c>):
    /// it keeps <c>spec.replicas</c> pods matching each ReplicaSet's selector, creating them from the template (with a
    /// controller owner reference) and deleting the most expendable ones first (unscheduled, pending, not ready, most
    /// recently ready); adopts matching orphan pods and releases pods that stop matching; and reports
    /// <c>status.replicas</c>, <c>fullyLabeledReplicas</c>, <c>readyReplicas</c>, <c>availableReplicas</c> (after
    /// <c>minReadySeconds</c>), <c>observedGeneration</c> and, while pods cannot be created or deleted, the
    /// <c>ReplicaFailure</c> condition (retried with back-off). Events: <c>SuccessfulCreate</c>, <c>SuccessfulDelete</c>,
    /// <c>FailedCreate</c>, <c>FailedDelete</c>. Writes through the registered <see cref="IObjectStore"/>. Calling it again
    /// has no effect: the options of the first call stay.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddReplicaSetController(o => o.Workers = 10);
    /// </code>
    /// </example>
    public static IServiceCollection AddReplicaSetController(this IServiceCollection services, Action<ReplicaSetControllerOptions>? configure = null) =>
        services.AddReplicaController<ReplicaSet>(ReplicaSetReconciler.Name, configure,
            static (d, options) => new ReplicaSetReconciler(d.Store, d.Informers, d.Events, d.Time, options, d.Logger));

    /// <summary>
    /// Registers the ReplicationController controller (named <c>replication-controller</c>): the same behaviour as
    /// <see cref="AddReplicaSetController"/>, for core/v1 ReplicationControllers and their equality-based selectors.
    /// Calling it again has no effect.
    /// </summary>
    public static IServiceCollection AddReplicationControllerController(
        this IServiceCollection services, Action<ReplicaSetControllerOptions>? configure = null) =>
        services.AddReplicaController<ReplicationController>(ReplicationControllerReconciler.Name, configure,
            static (d, options) => new ReplicationControllerReconciler(d.Store, d.Informers, d.Events, d.Time, options, d.Logger));

    private static IServiceCollection AddReplicaController<TOwner>(
        this IServiceCollection services, string name, Action<ReplicaSetControllerOptions>? configure,
        Func<ControllerDependencies, ReplicaSetControllerOptions, IReconciler> create)
        where TOwner : KubernetesObject =>
        services.TryAddController(name, () =>
        {
            var options = new ReplicaSetControllerOptions();
            configure?.Invoke(options);
            return ControllerBuilder.For<TOwner>(name)
                .Owns<Pod>()
                .WithWorkers(Math.Max(1, options.Workers))
                .WithReconciler(d => create(d, options));
        });
}
