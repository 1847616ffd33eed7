namespace Orchestrator.Runtime;

/// <summary>
/// Optional runtime capability: a push stream of container lifecycle events, so the agent learns that a container died
/// without polling (like the CRI's container event stream). Agents still resynchronise periodically because delivery is
/// best effort.
/// </summary>
public interface IContainerEvents
{
    /// <summary>
    /// Streams events that happen after the call, in the order the runtime observed them, until
    /// <paramref name="cancellationToken"/> is cancelled (the stream then ends without an exception). Each call is an
    /// independent subscription; events are not replayed. A slow subscriber never blocks the runtime; the runtime may
    /// drop events for it instead, so consumers must treat an event as a hint to look, not as the state itself.
    /// </summary>
    IAsyncEnumerable<ContainerEvent> WatchAsync(CancellationToken cancellationToken = default);
}

/// <summary>What happened to a container.</summary>
public enum ContainerEventType
{
    /// <summary>The container was created.</summary>
    Created,

    /// <summary>Its process started.</summary>
    Started,

    /// <summary>Its process exited (including being killed or OOM-killed).</summary>
    Exited,

    /// <summary>The container was removed.</summary>
    Removed,
}

/// <summary>One container lifecycle event.</summary>
/// <param name="Type">What happened.</param>
/// <param name="ContainerId">The container.</param>
/// <param name="SandboxId">Its sandbox; for an event of a sandbox itself, the sandbox's own id (equal to <paramref name="ContainerId"/>).</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="Labels">The container's labels (see <see cref="ContainerLabels"/>), to route the event to its pod.</param>
public sealed record ContainerEvent(
    ContainerEventType Type, string ContainerId, string SandboxId, DateTimeOffset Timestamp, IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>The pod uid from the labels, or empty.</summary>
    public string PodUid => Labels.TryGetValue(ContainerLabels.PodUid, out var uid) ? uid : "";
}
