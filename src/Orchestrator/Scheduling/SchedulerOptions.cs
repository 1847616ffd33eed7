namespace Orchestrator.Scheduling;

/// <summary>Configuration of the scheduler (a subset of Kubernetes' <c>KubeSchedulerConfiguration</c>).</summary>
public sealed record SchedulerOptions
{
    /// <summary>
    /// The profiles; a pod is scheduled by the profile whose <see cref="SchedulerProfile.SchedulerName"/> equals its
    /// <c>spec.schedulerName</c>, and ignored when none does. Defaults to <see cref="SchedulerProfile.Default"/> alone.
    /// </summary>
    public IReadOnlyList<SchedulerProfile> Profiles { get; set; } = [SchedulerProfile.Default];

    /// <summary>
    /// The percentage of nodes to find feasible before filtering stops and scoring starts, 1-100 (at least 100 nodes are
    /// always looked for). 0 (the default) means Kubernetes' adaptive value: <c>50 - nodes/125</c> percent, at least 5.
    /// In clusters of fewer than 100 nodes every node is filtered.
    /// </summary>
    public int PercentageOfNodesToScore { get; set; }

    /// <summary>The back-off after a pod's first failed attempt; doubled after each further failure. Defaults to 1 s.</summary>
    public TimeSpan PodInitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest back-off between attempts for one pod. Defaults to 10 s.</summary>
    public TimeSpan PodMaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an unschedulable pod waits for a cluster change (a node added or changed, a pod removed) before it is
    /// retried anyway. Defaults to 60 s.
    /// </summary>
    public TimeSpan UnschedulableRetryInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many bindings may be in flight at once; the scheduling loop waits when the limit is reached. Defaults to 64.</summary>
    public int MaxConcurrentBindings { get; set; } = 64;
}
