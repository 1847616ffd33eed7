using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Selectors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// The ReplicaSet controller: <see cref="ReplicaManager{TOwner}"/> over apps/v1 ReplicaSets, with their set-based
/// selector. For a ReplicaSet owned by a Deployment, the pods of its sibling ReplicaSets count when ranking scale-down
/// victims, so the pods that share a node with more of the Deployment's pods go first.
/// </summary>
internal sealed class ReplicaSetReconciler : ReplicaManager<ReplicaSet>
{
    /// <summary>The controller name in logs, metrics and events.</summary>
    public const string Name = "replicaset-controller";

    private readonly ILister<ReplicaSet> _replicaSets;

    public ReplicaSetReconciler(
        IObjectStore store, SharedInformerFactory informers, IEventRecorderFactory events, TimeProvider time,
        ReplicaSetControllerOptions options, ILogger logger)
        : base(store, informers, events, time, options, logger, Name)
    {
        _replicaSets = informers.GetLister<ReplicaSet>();
    }

    protected override int Replicas(ReplicaSet owner) => owner.Spec.Replicas;

    protected override int MinReadySeconds(ReplicaSet owner) => owner.Spec.MinReadySeconds;

    protected override Selector SelectorOf(ReplicaSet owner) => Selector.FromLabelSelector(owner.Spec.Selector);

    protected override PodTemplateSpec TemplateOf(ReplicaSet owner) => owner.Spec.Template;

    protected override ReplicaStatus? StatusOf(ReplicaSet owner) => owner.Status is not { } s ? null : new ReplicaStatus(
        s.Replicas, s.FullyLabeledReplicas, s.ReadyReplicas, s.AvailableReplicas, s.ObservedGeneration,
        s.GetCondition(ReplicaSetConditionType.ReplicaFailure) is { Status: ConditionStatus.True } c
            ? new ReplicaFailure(c.Reason ?? "", c.Message ?? "", c.LastTransitionTime)
            : null);

    protected override ReplicaSet WithStatus(ReplicaSet owner, ReplicaStatus status)
    {
        var current = owner.Status ?? new ReplicaSetStatus();
        var conditions = current.Conditions.Where(c => c.Type != ReplicaSetConditionType.ReplicaFailure);
        if (status.Failure is { } failure)
        {
            conditions = conditions.Append(new WorkloadCondition
            {
                Type = ReplicaSetConditionType.ReplicaFailure,
                Status = ConditionStatus.True,
                Reason = failure.Reason,
                Message = failure.Message,
                LastTransitionTime = failure.LastTransitionTime,
            });
        }
        return owner with
        {
            Status = current with
            {
                Replicas = status.Replicas,
                FullyLabeledReplicas = status.FullyLabeledReplicas,
                ReadyReplicas = status.ReadyReplicas,
                AvailableReplicas = status.AvailableReplicas,
                ObservedGeneration = status.ObservedGeneration,
                Conditions = [.. conditions],
            },
        };
    }

    protected override IEnumerable<Pod> RelatedPods(ReplicaSet owner, IReadOnlyList<Pod> pods)
    {
        if (ControllerRefs.GetControllerOf(owner) is not { } parent) return pods;
        var siblings = _replicaSets.ByIndex(IndexNames.OwnerUid, parent.Uid).Where(rs => ControllerRefs.IsControlledBy(rs, parent.Uid));
        return siblings.SelectMany(rs => rs.Metadata.Uid == owner.Metadata.Uid
            ? pods
            : Pods.ByIndex(IndexNames.OwnerUid, rs.Metadata.Uid ?? "").Where(p => ControllerRefs.IsControlledBy(p, rs.Metadata.Uid)));
    }
}
