namespace Orchestrator.Controllers;

/// <summary>
/// Configuration of the node lifecycle controller registered by
/// <see cref="NodeLifecycleServiceCollectionExtensions.AddNodeLifecycleController"/>; the defaults are
/// kube-controller-manager's.
/// </summary>
public sealed record NodeLifecycleOptions
{
    /// <summary>
    /// How long a node may go without a heartbeat (its <c>Ready</c> condition's <c>lastHeartbeatTime</c>) before its
    /// conditions are set to <c>Unknown</c> and it is tainted unreachable (<c>--node-monitor-grace-period</c>). Must be
    /// comfortably longer than the node agents' heartbeat interval. Defaults to 40 s.
    /// </summary>
    public TimeSpan NodeMonitorGracePeriod { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>
    /// How long a node that never posted a <c>Ready</c> condition may exist (counted from its creation) before it is
    /// considered unreachable (<c>--node-startup-grace-period</c>). Defaults to 60 s.
    /// </summary>
    public TimeSpan NodeStartupGracePeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The longest time between two checks of a node (<c>--node-monitor-period</c>). Checks also run at each node's exact
    /// deadlines (heartbeat expiry, pod evictions) and whenever the node changes. Defaults to 5 s.
    /// </summary>
    public TimeSpan NodeMonitorPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a pod stays on a node tainted <c>node.kubernetes.io/not-ready</c> or <c>node.kubernetes.io/unreachable</c>
    /// (<c>NoExecute</c>) when it has no toleration of its own for that taint: the toleration Kubernetes' DefaultTolerationSeconds
    /// admission plugin adds to every pod (<c>--default-not-ready-toleration-seconds</c>,
    /// <c>--default-unreachable-toleration-seconds</c>). A pod's own toleration, with or without <c>tolerationSeconds</c>,
    /// takes precedence. Defaults to 300 s.
    /// </summary>
    public TimeSpan DefaultTolerationPeriod { get; set; } = TimeSpan.FromSeconds(300);
}
