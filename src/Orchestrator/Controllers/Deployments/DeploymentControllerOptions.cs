namespace Orchestrator.Controllers;

/// <summary>Configuration of the Deployment controller registered by <see cref="DeploymentControllerServiceCollectionExtensions.AddDeploymentController"/>.</summary>
public sealed record DeploymentControllerOptions
{
    /// <summary>
    /// How many Deployments are reconciled concurrently (kube-controller-manager's <c>--concurrent-deployment-syncs</c>);
    /// never one Deployment twice at once. Defaults to 5.
    /// </summary>
    public int Workers { get; set; } = 5;
}
