namespace Orchestrator.Controllers;

/// <summary>
/// The status fields the ReplicaSet and ReplicationController controllers write, in one shape for both kinds (their API
/// statuses have the same fields under different types).
/// </summary>
/// <param name="Replicas">Active pods the owner controls.</param>
/// <param name="FullyLabeledReplicas">Of those, pods carrying every label of the template.</param>
/// <param name="ReadyReplicas">Of those, pods whose <c>Ready</c> condition is <c>True</c>.</param>
/// <param name="AvailableReplicas">Of those, pods ready for at least <c>minReadySeconds</c>.</param>
/// <param name="ObservedGeneration">The owner's generation the status reflects.</param>
/// <param name="Failure">The <c>ReplicaFailure</c> condition, when pods could not be created or deleted.</param>
internal sealed record ReplicaStatus(
    int Replicas, int FullyLabeledReplicas, int ReadyReplicas, int AvailableReplicas, long ObservedGeneration, ReplicaFailure? Failure);

/// <summary>The <c>ReplicaFailure</c> condition (status <c>True</c>) of a ReplicaSet or ReplicationController.</summary>
/// <param name="Reason"><c>FailedCreate</c> or <c>FailedDelete</c>.</param>
/// <param name="Message">The error.</param>
/// <param name="LastTransitionTime">When the failure was first reported.</param>
internal sealed record ReplicaFailure(string Reason, string Message, DateTimeOffset? LastTransitionTime);
