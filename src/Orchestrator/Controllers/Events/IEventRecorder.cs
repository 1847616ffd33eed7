using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// Records Kubernetes events (core/v1 <c>Event</c>) about objects, as <c>kubectl describe</c> and
/// <c>kubectl get events</c> show them. Obtain one per component from <see cref="IEventRecorderFactory"/>.
/// </summary>
/// <remarks>
/// Recording never blocks and never throws: events are queued and written in the background, in the involved object's
/// namespace (<c>default</c> for cluster-scoped objects). An event identical to a recent one (same object, type, reason,
/// message and source within the aggregation window) increments that event's <c>count</c> and <c>lastTimestamp</c>
/// instead of creating another. When the queue is full, events are dropped and a warning is logged. Thread-safe.
/// Messages are stored and shown to users: keep secrets out of them.
/// </remarks>
public interface IEventRecorder
{
    /// <summary>Records an event of <paramref name="type"/> (<see cref="EventType"/>) about <paramref name="involved"/>.</summary>
    /// <param name="involved">The object the event is about; its kind, namespace, name, uid and resourceVersion are referenced.</param>
    /// <param name="type"><see cref="EventType.Normal"/> or <see cref="EventType.Warning"/>.</param>
    /// <param name="reason">A short, stable, CamelCase reason, e.g. <c>SuccessfulCreate</c> or <c>FailedScheduling</c>.</param>
    /// <param name="message">A human-readable description.</param>
    void Record(KubernetesObject involved, string type, string reason, string message);

    /// <summary>Records a <see cref="EventType.Normal"/> event: something expected happened.</summary>
    void Normal(KubernetesObject involved, string reason, string message) => Record(involved, EventType.Normal, reason, message);

    /// <summary>Records a <see cref="EventType.Warning"/> event: something went wrong or needs attention.</summary>
    void Warning(KubernetesObject involved, string reason, string message) => Record(involved, EventType.Warning, reason, message);
}
