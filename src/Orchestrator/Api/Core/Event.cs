using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>
/// A report of something that happened to an object (Kubernetes core/v1 <c>Event</c>), for example a pod
/// being scheduled or an image pull failing. Repeated events are aggregated by bumping <see cref="Count"/>.
/// </summary>
/// <remarks>
/// Field selectors: <c>involvedObject.kind</c>, <c>involvedObject.name</c>, <c>involvedObject.namespace</c>,
/// <c>involvedObject.uid</c>, <c>reason</c>, <c>type</c> and <c>source</c> besides the metadata fields.
/// </remarks>
public sealed record Event : KubernetesObject
{
    /// <summary>Creates an empty <c>v1</c> Event.</summary>
    public Event() : base("v1", "Event")
    {
    }

    /// <summary>The object the event is about.</summary>
    public ObjectReference InvolvedObject { get; init; } = new();

    /// <summary>A short CamelCase reason, for example <c>Scheduled</c> or <c>BackOff</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>A human-readable description.</summary>
    public string? Message { get; init; }

    /// <summary>The component that reported the event.</summary>
    public EventSource? Source { get; init; }

    /// <summary>When the event was first seen.</summary>
    public DateTimeOffset? FirstTimestamp { get; init; }

    /// <summary>When the event was most recently seen.</summary>
    public DateTimeOffset? LastTimestamp { get; init; }

    /// <summary>How many times the event occurred.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Count { get; init; }

    /// <summary><c>Normal</c> or <c>Warning</c>; see <see cref="EventType"/>.</summary>
    public string? Type { get; init; }

    /// <summary>When the event was first observed, with microsecond precision.</summary>
    public DateTimeOffset? EventTime { get; init; }

    /// <summary>A series of repeated events.</summary>
    public EventSeries? Series { get; init; }

    /// <summary>What was done (or failed), for example <c>Binding</c>.</summary>
    public string? Action { get; init; }

    /// <summary>A secondary object involved.</summary>
    public ObjectReference? Related { get; init; }

    /// <summary>The controller that reported the event, for example <c>default-scheduler</c>.</summary>
    public string? ReportingComponent { get; init; }

    /// <summary>The instance of the controller, for example the node name.</summary>
    public string? ReportingInstance { get; init; }

    /// <inheritdoc/>
    public override string? GetFieldValue(string fieldPath) => fieldPath switch
    {
        "involvedObject.kind" => InvolvedObject.Kind ?? "",
        "involvedObject.name" => InvolvedObject.Name ?? "",
        "involvedObject.namespace" => InvolvedObject.Namespace ?? "",
        "involvedObject.uid" => InvolvedObject.Uid ?? "",
        "involvedObject.apiVersion" => InvolvedObject.ApiVersion ?? "",
        "involvedObject.resourceVersion" => InvolvedObject.ResourceVersion ?? "",
        "involvedObject.fieldPath" => InvolvedObject.FieldPath ?? "",
        "reason" => Reason ?? "",
        "reportingComponent" => ReportingComponent ?? "",
        "type" => Type ?? "",
        "source" => Source?.Component ?? ReportingComponent ?? "",
        _ => base.GetFieldValue(fieldPath),
    };
}

/// <summary>The component that reported an event (Kubernetes <c>EventSource</c>).</summary>
public sealed record EventSource
{
    /// <summary>The component, for example <c>kubelet</c>.</summary>
    public string? Component { get; init; }

    /// <summary>The node the component runs on.</summary>
    public string? Host { get; init; }
}

/// <summary>A series of repeated events (Kubernetes <c>EventSeries</c>).</summary>
public sealed record EventSeries
{
    /// <summary>How many times the event occurred in the series.</summary>
    public int Count { get; init; }

    /// <summary>When the last occurrence was seen.</summary>
    public DateTimeOffset? LastObservedTime { get; init; }
}

/// <summary>Values of an event's <c>type</c>.</summary>
public static class EventType
{
    /// <summary>Something expected happened.</summary>
    public const string Normal = "Normal";

    /// <summary>Something went wrong or may need attention.</summary>
    public const string Warning = "Warning";
}
