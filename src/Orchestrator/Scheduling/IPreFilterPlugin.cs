namespace Orchestrator.Scheduling;

/// <summary>
/// Runs once per scheduling cycle before any <see cref="IFilterPlugin.Filter"/> call of the same plugin, to precompute
/// state for the pod (for example topology counts of matching pods) and keep it in the <see cref="SchedulingContext"/>.
/// A plugin implementing this is a filter plugin too and is enabled by naming it among a profile's filters.
/// </summary>
public interface IPreFilterPlugin : IPlugin
{
    /// <summary>
    /// Prepares filtering of <paramref name="pod"/>. Returning a non-success result marks the pod unschedulable on every
    /// node with its reasons, without running any filter. Returning <see cref="FilterResult.Skip"/> means the plugin has
    /// no constraint for this pod: its <see cref="IFilterPlugin.Filter"/> is not called in this cycle.
    /// </summary>
    FilterResult PreFilter(SchedulingContext context, PodInfo pod);
}
