namespace Orchestrator.Scheduling;

/// <summary>
/// A scheduler plugin: a named piece of scheduling policy that implements one or more extension points
/// (<see cref="IPreFilterPlugin"/>, <see cref="IFilterPlugin"/>, <see cref="IPreScorePlugin"/>, <see cref="IScorePlugin"/>).
/// </summary>
/// <remarks>
/// The scheduler calls a plugin from one thread at a time but shares one instance between scheduling cycles, so state
/// for one pod belongs in <see cref="SchedulingContext"/>, not in fields. Register custom plugins in the service
/// collection as <see cref="IPlugin"/> and name them in a <see cref="SchedulerProfile"/>.
/// </remarks>
public interface IPlugin
{
    /// <summary>The plugin's unique name, as profiles refer to it (for example <c>NodeResourcesFit</c>).</summary>
    string Name { get; }
}
