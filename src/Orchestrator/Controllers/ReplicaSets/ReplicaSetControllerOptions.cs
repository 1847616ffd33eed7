namespace Orchestrator.Controllers;

/// <summary>
/// Configuration of the ReplicaSet and ReplicationController controllers (each registration has its own instance; see
/// <see cref="ReplicaSetControllerServiceCollectionExtensions"/>).
/// </summary>
public sealed record ReplicaSetControllerOptions
{
    /// <summary>
    /// How many owners are reconciled concurrently (kube-controller-manager's <c>--concurrent-replicaset-syncs</c>); never
    /// one owner twice at once. Defaults to 5.
    /// </summary>
    public int Workers { get; set; } = 5;

    /// <summary>
    /// The most pods one reconcile creates or deletes (Kubernetes' <c>BurstReplicas</c>); the rest follow once the
    /// informer has seen these. Creation goes in batches of 1, 2, 4, … so that a failing create (quota, admission) stops
    /// after one attempt rather than hundreds. Defaults to 500.
    /// </summary>
    public int BurstReplicas { get; set; } = 500;
}
