using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Selectors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// The Deployment controller (Kubernetes <c>pkg/controller/deployment</c>): keeps one ReplicaSet per pod template, named
/// <c>&lt;deployment&gt;-&lt;pod-template-hash&gt;</c>, and moves replicas from the old ReplicaSets to the current one
/// by the Deployment's strategy.
/// </summary>
/// <remarks>
/// <para>Each reconcile claims the ReplicaSets the Deployment's selector matches (adopting orphans, releasing those
/// that stop matching), then, as Kubernetes' <c>syncDeployment</c> does: a Deployment being deleted only gets its
/// status; a paused one, or one whose <c>spec.replicas</c> changed, is scaled (proportionally across ReplicaSets during a
/// rollout) without rolling; otherwise it rolls by <c>RollingUpdate</c> (never more than <c>replicas + maxSurge</c>
/// pods, never fewer than <c>replicas - maxUnavailable</c> available) or <c>Recreate</c> (old pods gone before new ones
/// start). Status, the <c>Available</c> and <c>Progressing</c> conditions, revisions and the cleanup of old ReplicaSets
/// beyond <c>revisionHistoryLimit</c> follow Kubernetes.</para>
/// <para>The partial files hold the parts of the Kubernetes controller of the same names: <c>Sync</c> (new ReplicaSet,
/// scaling, cleanup), <c>Rolling</c>, <c>Recreate</c>, <c>Progress</c> and <c>Status</c>.</para>
/// <para>A conflict (the cache was behind the store) ends the reconcile with a rate-limited requeue; the newer object's
/// watch event queues the Deployment again anyway.</para>
/// </remarks>
internal sealed partial class DeploymentReconciler : IReconciler
{
    /// <summary>The controller name in logs, metrics and events.</summary>
    public const string Name = "deployment-controller";

    private readonly IObjectStore _store;
    private readonly ILister<Deployment> _deployments;
    private readonly ILister<ReplicaSet> _replicaSets;
    private readonly ILister<Pod> _pods;
    private readonly IEventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public DeploymentReconciler(IObjectStore store, SharedInformerFactory informers, IEventRecorderFactory events, TimeProvider time, ILogger logger)
    {
        _store = store;
        _deployments = informers.GetLister<Deployment>();
        _replicaSets = ControllerRefs.ClaimableLister<ReplicaSet>(informers);
        _pods = informers.GetLister<Pod>();
        _events = events.CreateRecorder(Name);
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The Deployment a pod belongs to, through its controlling ReplicaSet: pod changes (readiness, deletion) drive rollouts.
    /// </summary>
    public static IEnumerable<ObjectKey> DeploymentOfPod(Pod pod, ILister<ReplicaSet> replicaSets)
    {
        if (ControllerRefs.GetControllerOf(pod) is not { Kind: "ReplicaSet" } rsRef) return [];
        var rs = replicaSets.Get(pod.Metadata.Namespace, rsRef.Name);
        if (rs is null || rs.Metadata.Uid != rsRef.Uid || ControllerRefs.GetControllerOf(rs) is not { Kind: "Deployment" } dRef) return [];
        return [new ObjectKey(pod.Metadata.Namespace ?? "", dRef.Name)];
    }

    /// <inheritdoc/>
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var deployment = _deployments.Get(key);
        if (deployment is null) return ReconcileResult.Done;
        var selector = OwnerSelectors.Parse(deployment, deployment.Spec.Selector);
        if (selector.IsEverything)
        {
            _events.Warning(deployment, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
            if ((deployment.Status?.ObservedGeneration ?? 0) < deployment.Metadata.Generation)
            {
                await _store.UpdateStatusAsync<Deployment>(deployment with
                {
                    Status = (deployment.Status ?? new DeploymentStatus()) with { ObservedGeneration = deployment.Metadata.Generation },
                }, cancellationToken).ConfigureAwait(false);
            }
            return ReconcileResult.Done;
        }

        try
        {
            var (owned, orphans) = ControllerRefs.Candidates(_replicaSets, deployment);
            var replicaSets = await new ControllerRefManager<ReplicaSet>(_store, deployment, selector)
                .ClaimAsync(owned, orphans, static _ => true, cancellationToken).ConfigureAwait(false);
            var ctx = new DeploymentSyncContext(deployment, replicaSets, _pods, _time.GetUtcNow());
            await SyncDeploymentAsync(ctx, cancellationToken).ConfigureAwait(false);
            var next = PodAvailability.Earliest(ctx.NextAvailableIn, ctx.Recheck);
            return next is { } delay ? ReconcileResult.After(delay) : ReconcileResult.Done;
        }
        catch (ConflictException e)
        {
            DeploymentLog.Conflict(_logger, e.Message);
            return ReconcileResult.Requeue;
        }
    }

    /// <summary>Kubernetes' <c>syncDeployment</c> after the ReplicaSets are claimed.</summary>
    private async Task SyncDeploymentAsync(DeploymentSyncContext ctx, CancellationToken ct)
    {
        if (ctx.Deployment.Metadata.DeletionTimestamp is not null)
        {
            await GetAllReplicaSetsAndSyncRevisionAsync(ctx, createIfNotExisted: false, ct).ConfigureAwait(false);
            await SyncDeploymentStatusAsync(ctx, ct).ConfigureAwait(false);
            return;
        }
        await CheckPausedConditionsAsync(ctx, ct).ConfigureAwait(false);
        if (ctx.Deployment.Spec.Paused || await IsScalingEventAsync(ctx, ct).ConfigureAwait(false))
        {
            await SyncAsync(ctx, ct).ConfigureAwait(false);
            return;
        }
        if (ctx.Deployment.Spec.Strategy.Type == DeploymentStrategyType.Recreate)
        {
            await RolloutRecreateAsync(ctx, ct).ConfigureAwait(false);
        }
        else
        {
            await RolloutRollingAsync(ctx, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Writes a ReplicaSet (conditional on the version read) and records the result in the context.</summary>
    private async Task<ReplicaSet> UpdateReplicaSetAsync(DeploymentSyncContext ctx, ReplicaSet changed, CancellationToken ct) =>
        ctx.Replace(await _store.UpdateAsync<ReplicaSet>(changed, ct).ConfigureAwait(false));

    /// <summary>Writes the Deployment's status (conditional on the version read) and records the result in the context.</summary>
    private async Task UpdateStatusAsync(DeploymentSyncContext ctx, DeploymentStatus status, CancellationToken ct) =>
        ctx.Deployment = await _store.UpdateStatusAsync<Deployment>(ctx.Deployment with { Status = status }, ct).ConfigureAwait(false);
}
