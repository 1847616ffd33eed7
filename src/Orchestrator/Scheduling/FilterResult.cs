namespace Orchestrator.Scheduling;

/// <summary>
/// The outcome of a filter for one pod and one node: <see cref="Success"/>, or unschedulable with one or more stable
/// reason strings (Kubernetes' <c>framework.Status</c>). The reasons are counted across nodes in the pod's
/// <c>PodScheduled</c> condition, for example <c>0/3 nodes are available: 3 Insufficient cpu.</c>, so a reason must
/// not contain node-specific text other than what Kubernetes puts there.
/// </summary>
public readonly struct FilterResult
{
    private static readonly string[] SkipMarker = [];

    private readonly string[]? _reasons;

    private FilterResult(string[] reasons) => _reasons = reasons;

    /// <summary>The node fits the pod. Does not allocate.</summary>
    public static FilterResult Success => default;

    /// <summary>
    /// Returned by <see cref="IPreFilterPlugin.PreFilter"/> when the plugin has no constraint for this pod (for example
    /// node affinity for a pod without any): the pod passes the plugin's filter on every node, which is then not called.
    /// A success for every other purpose.
    /// </summary>
    public static FilterResult Skip { get; } = new(SkipMarker);

    /// <summary>True when the node fits the pod (including <see cref="Skip"/>).</summary>
    public bool IsSuccess => _reasons is null || ReferenceEquals(_reasons, SkipMarker);

    /// <summary>True for <see cref="Skip"/>.</summary>
    public bool IsSkip => ReferenceEquals(_reasons, SkipMarker);

    /// <summary>Why the node does not fit; empty on success.</summary>
    public IReadOnlyList<string> Reasons => _reasons ?? [];

    /// <summary>The reasons without a copy or an interface; null or empty on success.</summary>
    internal string[]? ReasonArray => _reasons;

    /// <summary>The node does not fit the pod, for <paramref name="reason"/>.</summary>
    public static FilterResult Unschedulable(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new FilterResult([reason]);
    }

    /// <summary>The node does not fit the pod, for every one of <paramref name="reasons"/> (at least one).</summary>
    public static FilterResult Unschedulable(params string[] reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        if (reasons.Length == 0) throw new ArgumentException("At least one reason is required.", nameof(reasons));
        return new FilterResult(reasons);
    }

    /// <inheritdoc/>
    public override string ToString() => IsSkip ? "Skip" : IsSuccess ? "Success" : "Unschedulable: " + string.Join(", ", _reasons!);
}
