using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>
/// Declarative updates for pods through ReplicaSets (Kubernetes apps/v1 <c>Deployment</c>): the deployment
/// controller keeps one ReplicaSet per pod template and rolls pods from old ReplicaSets to the new one
/// according to <see cref="DeploymentSpec.Strategy"/>.
/// </summary>
public sealed record Deployment : KubernetesObject<DeploymentSpec, DeploymentStatus>
{
    /// <summary>Creates an empty <c>apps/v1</c> Deployment.</summary>
    public Deployment() : base("apps/v1", "Deployment")
    {
    }
}

/// <summary>The desired state of a <see cref="Deployment"/> (Kubernetes <c>DeploymentSpec</c>).</summary>
public sealed record DeploymentSpec
{
    /// <summary>The number of desired pods; defaults to 1. Zero is allowed and scales the deployment down.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>
    /// Selects the pods (and ReplicaSets) the deployment owns. Required, must not be empty, must match
    /// <see cref="Template"/>'s labels, and cannot change after creation in Kubernetes.
    /// </summary>
    public LabelSelector? Selector { get; init; }

    /// <summary>The pods to create. The only allowed <c>restartPolicy</c> is <c>Always</c>.</summary>
    public PodTemplateSpec Template { get; init; } = new();

    /// <summary>How existing pods are replaced with new ones; <c>RollingUpdate</c> with 25% / 25% by default.</summary>
    public DeploymentStrategy Strategy { get; init; } = new();

    /// <summary>Seconds a new pod must be ready, without any container crashing, to count as available; default 0.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int MinReadySeconds { get; init; }

    /// <summary>How many old ReplicaSets (scaled to zero) to keep for rollback; defaults to 10.</summary>
    public int RevisionHistoryLimit { get; init; } = 10;

    /// <summary>While true, template changes do not start a rollout (scaling still happens).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Paused { get; init; }

    /// <summary>
    /// Seconds without progress after which the <c>Progressing</c> condition turns <c>False</c> with reason
    /// <c>ProgressDeadlineExceeded</c>; defaults to 600. The rollout itself continues.
    /// </summary>
    public int ProgressDeadlineSeconds { get; init; } = 600;

    /// <summary>
    /// The most pods that may be unavailable during an update, resolved against <see cref="Replicas"/>
    /// (Kubernetes' <c>deploymentutil.MaxUnavailable</c>): 0 for <c>Recreate</c> or zero replicas, otherwise
    /// <c>maxUnavailable</c> rounded down, never more than <see cref="Replicas"/>. A deployment is
    /// <c>Available</c> while at least <c>Replicas - MaxUnavailableReplicas()</c> pods are available.
    /// </summary>
    /// <exception cref="FormatException">A percentage is malformed (validation rejects such objects).</exception>
    public int MaxUnavailableReplicas()
    {
        if (Strategy.Type != DeploymentStrategyType.RollingUpdate || Replicas == 0) return 0;
        var (_, maxUnavailable) = (Strategy.RollingUpdate ?? new()).ResolveFenceposts(Replicas);
        return Math.Min(maxUnavailable, Replicas);
    }
}

/// <summary>How a <see cref="Deployment"/> replaces existing pods with new ones (Kubernetes <c>DeploymentStrategy</c>).</summary>
public sealed record DeploymentStrategy
{
    /// <summary><c>RollingUpdate</c> (the default) or <c>Recreate</c>; see <see cref="DeploymentStrategyType"/>.</summary>
    public string Type { get; init; } = DeploymentStrategyType.RollingUpdate;

    /// <summary>
    /// Rolling update parameters. The defaulter fills it in (25% / 25%) when <see cref="Type"/> is
    /// <c>RollingUpdate</c>; it must be absent for <c>Recreate</c>.
    /// </summary>
    public RollingUpdateDeployment? RollingUpdate { get; init; }
}

/// <summary>Limits of a rolling update of a <see cref="Deployment"/> (Kubernetes <c>RollingUpdateDeployment</c>).</summary>
public sealed record RollingUpdateDeployment
{
    /// <summary>
    /// The most pods that may be unavailable during the update: a count or a percentage of the desired
    /// replicas, rounded down; defaults to <c>25%</c>. May not be 0 when <see cref="MaxSurge"/> is 0.
    /// </summary>
    public IntOrString MaxUnavailable { get; init; } = "25%";

    /// <summary>
    /// The most pods that may exist above the desired replicas during the update: a count or a percentage,
    /// rounded up; defaults to <c>25%</c>. May not be 0 when <see cref="MaxUnavailable"/> is 0.
    /// </summary>
    public IntOrString MaxSurge { get; init; } = "25%";

    /// <summary>
    /// Resolves both limits to pod counts for <paramref name="desiredReplicas"/> (Kubernetes' <c>ResolveFenceposts</c>):
    /// surge rounds up, unavailability rounds down, and when both come to 0 unavailability becomes 1 so that
    /// the rollout can progress.
    /// </summary>
    /// <exception cref="FormatException">A percentage is malformed (validation rejects such objects).</exception>
    public (int MaxSurge, int MaxUnavailable) ResolveFenceposts(int desiredReplicas)
    {
        var surge = MaxSurge.GetScaledValue(desiredReplicas, roundUp: true);
        var unavailable = MaxUnavailable.GetScaledValue(desiredReplicas, roundUp: false);
        return surge == 0 && unavailable == 0 ? (0, 1) : (surge, unavailable);
    }
}
