namespace Orchestrator.Controllers;

/// <summary>
/// Configuration of the Job controller registered by <see cref="JobControllerServiceCollectionExtensions.AddJobController"/>;
/// the defaults are Kubernetes'.
/// </summary>
public sealed class JobControllerOptions
{
    /// <summary>
    /// The delay before a Job replaces its first failed pod (Kubernetes <c>DefaultJobPodFailureBackOff</c>); it doubles with
    /// each further failure since the last success, up to <see cref="MaxPodFailureBackOff"/>. Defaults to 10 s.
    /// </summary>
    public TimeSpan PodFailureBackOff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest delay before a failed pod is replaced (Kubernetes <c>MaxJobPodFailureBackOff</c>). Defaults to 6 min.</summary>
    public TimeSpan MaxPodFailureBackOff { get; set; } = TimeSpan.FromMinutes(6);
}
