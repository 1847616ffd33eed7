using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>The observed state of a <see cref="HorizontalPodAutoscaler"/> (Kubernetes <c>HorizontalPodAutoscalerStatus</c>).</summary>
public sealed record HorizontalPodAutoscalerStatus
{
    /// <summary>The <c>metadata.generation</c> the autoscaler last acted on.</summary>
    public long? ObservedGeneration { get; init; }

    /// <summary>When the autoscaler last changed the target's replicas; used to rate-limit scaling.</summary>
    public DateTimeOffset? LastScaleTime { get; init; }

    /// <summary>The target's replicas when last observed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int CurrentReplicas { get; init; }

    /// <summary>The replicas the autoscaler last computed.</summary>
    public int DesiredReplicas { get; init; }

    /// <summary>The last observed value of each metric in <c>spec.metrics</c>.</summary>
    public IReadOnlyList<MetricStatus> CurrentMetrics { get; init; } = [];

    /// <summary>The <c>AbleToScale</c>, <c>ScalingActive</c> and <c>ScalingLimited</c> conditions.</summary>
    public IReadOnlyList<HorizontalPodAutoscalerCondition> Conditions { get; init; } = [];

    /// <summary>The condition of type <paramref name="type"/> (see <see cref="HorizontalPodAutoscalerConditionType"/>), or null.</summary>
    public HorizontalPodAutoscalerCondition? GetCondition(string type) => Conditions.FirstOrDefault(c => c.Type == type);
}

/// <summary>One condition of a <see cref="HorizontalPodAutoscaler"/> (Kubernetes <c>HorizontalPodAutoscalerCondition</c>).</summary>
public sealed record HorizontalPodAutoscalerCondition
{
    /// <summary>The condition type; see <see cref="HorizontalPodAutoscalerConditionType"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>; see <see cref="ConditionStatus"/>.</summary>
    public string Status { get; init; } = ConditionStatus.Unknown;

    /// <summary>When <see cref="Status"/> last changed.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>A CamelCase reason, for example <c>ValidMetricFound</c> or <c>TooManyReplicas</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>A human-readable explanation.</summary>
    public string? Message { get; init; }
}

/// <summary>The observed value of one metric (Kubernetes <c>MetricStatus</c>); the field named by <see cref="Type"/> is set.</summary>
public sealed record MetricStatus
{
    /// <summary>The metric source type; see <see cref="MetricSourceType"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary>The value of an <c>Object</c> metric.</summary>
    public ObjectMetricStatus? Object { get; init; }

    /// <summary>The value of a <c>Pods</c> metric.</summary>
    public PodsMetricStatus? Pods { get; init; }

    /// <summary>The value of a <c>Resource</c> metric.</summary>
    public ResourceMetricStatus? Resource { get; init; }

    /// <summary>The value of a <c>ContainerResource</c> metric.</summary>
    public ContainerResourceMetricStatus? ContainerResource { get; init; }

    /// <summary>The value of an <c>External</c> metric.</summary>
    public ExternalMetricStatus? External { get; init; }
}

/// <summary>The observed value of a resource metric (Kubernetes <c>ResourceMetricStatus</c>).</summary>
public sealed record ResourceMetricStatus
{
    /// <summary>The resource, for example <c>cpu</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>The observed value.</summary>
    public MetricValueStatus Current { get; init; } = new();
}

/// <summary>The observed value of a container resource metric (Kubernetes <c>ContainerResourceMetricStatus</c>).</summary>
public sealed record ContainerResourceMetricStatus
{
    /// <summary>The resource, for example <c>cpu</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>The observed value.</summary>
    public MetricValueStatus Current { get; init; } = new();

    /// <summary>The container whose usage was measured.</summary>
    public string Container { get; init; } = "";
}

/// <summary>The observed value of a pods metric (Kubernetes <c>PodsMetricStatus</c>).</summary>
public sealed record PodsMetricStatus
{
    /// <summary>The metric.</summary>
    public MetricIdentifier Metric { get; init; } = new();

    /// <summary>The observed value.</summary>
    public MetricValueStatus Current { get; init; } = new();
}

/// <summary>The observed value of an object metric (Kubernetes <c>ObjectMetricStatus</c>).</summary>
public sealed record ObjectMetricStatus
{
    /// <summary>The metric.</summary>
    public MetricIdentifier Metric { get; init; } = new();

    /// <summary>The observed value.</summary>
    public MetricValueStatus Current { get; init; } = new();

    /// <summary>The object the metric describes.</summary>
    public CrossVersionObjectReference DescribedObject { get; init; } = new();
}

/// <summary>The observed value of an external metric (Kubernetes <c>ExternalMetricStatus</c>).</summary>
public sealed record ExternalMetricStatus
{
    /// <summary>The metric.</summary>
    public MetricIdentifier Metric { get; init; } = new();

    /// <summary>The observed value.</summary>
    public MetricValueStatus Current { get; init; } = new();
}

/// <summary>An observed metric value (Kubernetes <c>MetricValueStatus</c>).</summary>
public sealed record MetricValueStatus
{
    /// <summary>The total value.</summary>
    public Quantity? Value { get; init; }

    /// <summary>The value per pod.</summary>
    public Quantity? AverageValue { get; init; }

    /// <summary>The average usage as a percentage of the pods' resource requests.</summary>
    public int? AverageUtilization { get; init; }
}
