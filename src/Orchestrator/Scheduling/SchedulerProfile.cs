using System.Collections.Immutable;

namespace Orchestrator.Scheduling;

/// <summary>
/// One scheduling policy, applied to the pods whose <c>spec.schedulerName</c> is <see cref="SchedulerName"/>
/// (Kubernetes' <c>KubeSchedulerProfile</c>): which filters run, in which order, and which scores count with which weight.
/// </summary>
/// <example>
/// <code>
/// services.AddScheduler(options =>
///     options.Profiles = [SchedulerProfile.Default with
///     {
///         Scores = new Dictionary&lt;string, int&gt;(SchedulerProfile.Default.Scores) { [SchedulerPlugins.NodeResourcesLeastAllocated] = 5 },
///     }]);
/// </code>
/// </example>
public sealed record SchedulerProfile
{
    /// <summary>The default scheduler name, <c>default-scheduler</c>.</summary>
    public const string DefaultSchedulerName = "default-scheduler";

    /// <summary>
    /// The default profile: Kubernetes' default filters in Kubernetes' order (plus <see cref="SchedulerPlugins.NodeReady"/>)
    /// and its default score weights: TaintToleration 3, NodeAffinity 2, InterPodAffinity 2, and 1 for
    /// NodeResourcesLeastAllocated, NodeResourcesBalancedAllocation, ImageLocality and SelectorSpread.
    /// </summary>
    public static SchedulerProfile Default { get; } = new();

    /// <summary>The <c>spec.schedulerName</c> of the pods this profile schedules.</summary>
    public string SchedulerName { get; init; } = DefaultSchedulerName;

    /// <summary>
    /// The filter plugins, run in this order for each node until one rejects it. A plugin that also has a pre-filter
    /// step runs it once per pod before filtering.
    /// </summary>
    public IReadOnlyList<string> Filters { get; init; } =
    [
        SchedulerPlugins.NodeUnschedulable,
        SchedulerPlugins.NodeName,
        SchedulerPlugins.TaintToleration,
        SchedulerPlugins.NodeReady,
        SchedulerPlugins.NodeAffinity,
        SchedulerPlugins.NodePorts,
        SchedulerPlugins.NodeResourcesFit,
        SchedulerPlugins.VolumeRestrictions,
        SchedulerPlugins.InterPodAffinity,
    ];

    /// <summary>
    /// The score plugins and their weights (positive). A node's score is the sum of each plugin's normalized score
    /// (0-100) times its weight. A plugin that also has a pre-score step runs it once per pod before scoring.
    /// </summary>
    public IReadOnlyDictionary<string, int> Scores { get; init; } = ImmutableDictionary.CreateRange(
    [
        KeyValuePair.Create(SchedulerPlugins.TaintToleration, 3),
        KeyValuePair.Create(SchedulerPlugins.NodeAffinity, 2),
        KeyValuePair.Create(SchedulerPlugins.InterPodAffinity, 2),
        KeyValuePair.Create(SchedulerPlugins.NodeResourcesLeastAllocated, 1),
        KeyValuePair.Create(SchedulerPlugins.NodeResourcesBalancedAllocation, 1),
        KeyValuePair.Create(SchedulerPlugins.ImageLocality, 1),
        KeyValuePair.Create(SchedulerPlugins.SelectorSpread, 1),
    ]);
}
