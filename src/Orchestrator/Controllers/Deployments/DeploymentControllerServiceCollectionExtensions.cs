using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>Registers the Deployment controller.</summary>
public static class DeploymentControllerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Deployment controller (a <see cref="ControllerBuilder"/> controller named <c>deployment-controller</c>)
    /// and the ReplicaSet controller it relies on (<see cref="ReplicaSetControllerServiceCollectionExtensions.AddReplicaSetController"/>,
    /// with its defaults unless registered before). For each Deployment it keeps one ReplicaSet per pod template, named
    /// <c>&lt;name&gt;-&lt;pod-template-hash&gt;</c> and labelled with the hash, and rolls pods over by the strategy
    /// (<c>RollingUpdate</c> within <c>maxSurge</c>/<c>maxUnavailable</c>, or <c>Recreate</c>); scales proportionally
    /// when <c>spec.replicas</c> changes mid-rollout; honours <c>paused</c>, <c>minReadySeconds</c>,
    /// <c>progressDeadlineSeconds</c> and <c>revisionHistoryLimit</c>; and reports the status and the <c>Available</c>
    /// and <c>Progressing</c> conditions as Kubernetes does. Rollbacks, history, pause and resume are in
    /// <see cref="DeploymentRollouts"/>. Calling it again has no effect.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddDeploymentController();
    /// // Later: roll out a new image and wait for it.
    /// await store.UpdateWithRetryAsync&lt;Deployment&gt;("default", "web", d =&gt; d with { Spec = d.Spec with { Template = newTemplate } });
    /// await new DeploymentRollouts(store).WaitForRolloutAsync("default", "web", cancellationToken);
    /// </code>
    /// </example>
    public static IServiceCollection AddDeploymentController(this IServiceCollection services, Action<DeploymentControllerOptions>? configure = null)
    {
        services.AddReplicaSetController();
        return services.TryAddController(DeploymentReconciler.Name, () =>
        {
            var options = new DeploymentControllerOptions();
            configure?.Invoke(options);
            return ControllerBuilder.For<Deployment>(DeploymentReconciler.Name)
                .Owns<ReplicaSet>()
                .Watches<Pod>(static sp =>
                {
                    var replicaSets = sp.GetRequiredService<SharedInformerFactory>().GetLister<ReplicaSet>();
                    return pod => DeploymentReconciler.DeploymentOfPod(pod, replicaSets);
                })
                .WithWorkers(Math.Max(1, options.Workers))
                .WithReconciler(static d => new DeploymentReconciler(d.Store, d.Informers, d.Events, d.Time, d.Logger));
        });
    }
}
