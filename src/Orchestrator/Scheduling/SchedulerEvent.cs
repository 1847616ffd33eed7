using Orchestrator.Api;

namespace Orchestrator.Scheduling;

/// <summary>A change the scheduling thread applies between cycles.</summary>
internal abstract record SchedulerEvent
{
    /// <summary>A pod was added (<paramref name="Old"/> null) or changed.</summary>
    public sealed record PodChanged(Pod? Old, Pod Pod) : SchedulerEvent;

    /// <summary>A pod was deleted; its last state.</summary>
    public sealed record PodDeleted(Pod Pod) : SchedulerEvent;

    /// <summary>A node was added (<paramref name="Old"/> null) or changed.</summary>
    public sealed record NodeChanged(Node? Old, Node Node) : SchedulerEvent;

    /// <summary>A node was deleted.</summary>
    public sealed record NodeDeleted(Node Node) : SchedulerEvent;

    /// <summary>A namespace's labels changed (null: the namespace is gone).</summary>
    public sealed record NamespaceChanged(string Name, IReadOnlyDictionary<string, string>? Labels) : SchedulerEvent;

    /// <summary>A PersistentVolumeClaim's access modes changed (null: the claim is gone).</summary>
    public sealed record ClaimChanged(string Key, IReadOnlyList<string>? AccessModes) : SchedulerEvent;

    /// <summary>A binding started by the scheduling thread finished.</summary>
    public sealed record BindCompleted(QueuedPod Attempt, string NodeName, BindOutcome? Outcome, Exception? Error) : SchedulerEvent;

    /// <summary>The periodic timer fired: flush back-off and long-waiting unschedulable pods.</summary>
    public sealed record Tick : SchedulerEvent
    {
        public static readonly Tick Instance = new();
    }
}
