namespace Orchestrator.Controllers;

/// <summary>
/// The reasons the Deployment controller writes in a Deployment's conditions, as Kubernetes does, for code that waits on
/// them (<c>status.conditions[type=Progressing].reason == ProgressDeadlineExceeded</c>).
/// </summary>
public static class DeploymentConditionReasons
{
    /// <summary><c>Available=True</c>: at least <c>replicas - maxUnavailable</c> pods are available.</summary>
    public const string MinimumReplicasAvailable = "MinimumReplicasAvailable";

    /// <summary><c>Available=False</c>: fewer than <c>replicas - maxUnavailable</c> pods are available.</summary>
    public const string MinimumReplicasUnavailable = "MinimumReplicasUnavailable";

    /// <summary><c>Progressing=True</c>: a new ReplicaSet was created for a changed template.</summary>
    public const string NewReplicaSetCreated = "NewReplicaSetCreated";

    /// <summary><c>Progressing=True</c>: the ReplicaSet of the current template already existed (e.g. after a rollback).</summary>
    public const string FoundNewReplicaSet = "FoundNewReplicaSet";

    /// <summary><c>Progressing=True</c>: the rollout made progress (pods were updated, became ready or available, or old ones went away).</summary>
    public const string ReplicaSetUpdated = "ReplicaSetUpdated";

    /// <summary><c>Progressing=True</c>: the rollout is complete; every replica is updated and available.</summary>
    public const string NewReplicaSetAvailable = "NewReplicaSetAvailable";

    /// <summary><c>Progressing=False</c>: no progress for <c>progressDeadlineSeconds</c>. The rollout is not stopped.</summary>
    public const string ProgressDeadlineExceeded = "ProgressDeadlineExceeded";

    /// <summary><c>Progressing=False</c>: the new ReplicaSet could not be created.</summary>
    public const string ReplicaSetCreateError = "ReplicaSetCreateError";

    /// <summary><c>Progressing=Unknown</c>: the Deployment is paused; its progress deadline does not run.</summary>
    public const string DeploymentPaused = "DeploymentPaused";

    /// <summary><c>Progressing=Unknown</c>: the Deployment was resumed; its progress deadline starts again.</summary>
    public const string DeploymentResumed = "DeploymentResumed";
}
