using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Selectors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// The ReplicationController controller: <see cref="ReplicaManager{TOwner}"/> over core/v1 ReplicationControllers, whose
/// selector is a plain label map matched by equality (Kubernetes runs the ReplicaSet logic for them the same way).
/// </summary>
internal sealed class ReplicationControllerReconciler(
    IObjectStore store, SharedInformerFactory informers, IEventRecorderFactory events, TimeProvider time,
    ReplicaSetControllerOptions options, ILogger logger)
    : ReplicaManager<ReplicationController>(store, informers, events, time, options, logger, Name)
{
    /// <summary>The controller name in logs, metrics and events.</summary>
    public const string Name = "replication-controller";

    protected override int Replicas(ReplicationController owner) => owner.Spec.Replicas;

    protected override int MinReadySeconds(ReplicationController owner) => owner.Spec.MinReadySeconds;

    // An empty map would select everything; validation requires a selector, and the defaulter fills it from the template.
    protected override Selector SelectorOf(ReplicationController owner) =>
        owner.Spec.Selector.Count == 0 ? Selector.Nothing : Selector.FromLabels(owner.Spec.Selector);

    protected override PodTemplateSpec TemplateOf(ReplicationController owner) => owner.Spec.Template;

    protected override ReplicaStatus? StatusOf(ReplicationController owner) => owner.Status is not { } s ? null : new ReplicaStatus(
        s.Replicas, s.FullyLabeledReplicas, s.ReadyReplicas, s.AvailableReplicas, s.ObservedGeneration,
        s.Conditions.FirstOrDefault(c => c.Type == ReplicaSetConditionType.ReplicaFailure) is { Status: ConditionStatus.True } c
            ? new ReplicaFailure(c.Reason ?? "", c.Message ?? "", c.LastTransitionTime)
            : null);

    protected override ReplicationController WithStatus(ReplicationController owner, ReplicaStatus status)
    {
        var current = owner.Status ?? new ReplicationControllerStatus();
        var conditions = current.Conditions.Where(c => c.Type != ReplicaSetConditionType.ReplicaFailure);
        if (status.Failure is { } failure)
        {
            conditions = conditions.Append(new ReplicationControllerCondition
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
}
