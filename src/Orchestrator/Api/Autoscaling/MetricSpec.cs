namespace Orchestrator.Api;

/// <summary>
/// One metric a <see cref="HorizontalPodAutoscaler"/> targets (Kubernetes <c>MetricSpec</c>). Exactly the source
/// named by <see cref="Type"/> is set. Only <c>Resource</c> metrics are evaluated; the others are stored as given.
/// </summary>
public sealed record MetricSpec
{
    /// <summary><c>Resource</c>, <c>Pods</c>, <c>Object</c>, <c>External</c> or <c>ContainerResource</c>; see <see cref="MetricSourceType"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary>A metric describing a single object, such as requests per second on an Ingress.</summary>
    public ObjectMetricSource? Object { get; init; }

    /// <summary>A metric averaged over the target's pods.</summary>
    public PodsMetricSource? Pods { get; init; }

    /// <summary>A resource (<c>cpu</c>, <c>memory</c>) of the target's pods, summed over their containers.</summary>
    public ResourceMetricSource? Resource { get; init; }

    /// <summary>A resource of one named container in each of the target's pods.</summary>
    public ContainerResourceMetricSource? ContainerResource { get; init; }

    /// <summary>A metric from outside the cluster.</summary>
    public ExternalMetricSource? External { get; init; }
}

/// <summary>A resource metric of the target's pods (Kubernetes <c>ResourceMetricSource</c>).</summary>
public sealed record ResourceMetricSource
{
    /// <summary>The resource, for example <c>cpu</c> or <c>memory</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>The target: <c>Utilization</c> (percent of requests) or <c>AverageValue</c>.</summary>
    public MetricTarget Target { get; init; } = new();
}

/// <summary>A resource metric of one container of the target's pods (Kubernetes <c>ContainerResourceMetricSource</c>).</summary>
public sealed record ContainerResourceMetricSource
{
    /// <summary>The resource, for example <c>cpu</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>The target value.</summary>
    public MetricTarget Target { get; init; } = new();

    /// <summary>The container whose usage counts.</summary>
    public string Container { get; init; } = "";
}

/// <summary>A metric averaged over the target's pods (Kubernetes <c>PodsMetricSource</c>).</summary>
public sealed record PodsMetricSource
{
    /// <summary>The metric.</summary>
    public MetricIdentifier Metric { get; init; } = new();

    /// <summary>The target; only <c>AverageValue</c> is meaningful.</summary>
    public MetricTarget Target { get; init; } = new();
}

/// <summary>A metric of a single object (Kubernetes <c>ObjectMetricSource</c>).</summary>
public sealed record ObjectMetricSource
{
    /// <summary>The object the metric describes.</summary>
    public CrossVersionObjectReference DescribedObject { get; init; } = new();

    /// <summary>The target value.</summary>
    public MetricTarget Target { get; init; } = new();

    /// <summary>The metric.</summary>
    public MetricIdentifier Metric { get; init; } = new();
}

/// <summary>A metric from outside the cluster (Kubernetes <c>ExternalMetricSource</c>).</summary>
public sealed record ExternalMetricSource
{
    /// <summary>The metric.</summary>
    public MetricIdentifier Metric { get; init; } = new();

    /// <summary>The target value.</summary>
    public MetricTarget Target { get; init; } = new();
}

/// <summary>Names a metric (Kubernetes <c>MetricIdentifier</c>).</summary>
public sealed record MetricIdentifier
{
    /// <summary>The metric name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Narrows the metric by its labels.</summary>
    public LabelSelector? Selector { get; init; }
}

/// <summary>The value a metric should have (Kubernetes <c>MetricTarget</c>); the field named by <see cref="Type"/> is set.</summary>
public sealed record MetricTarget
{
    /// <summary><c>Utilization</c>, <c>Value</c> or <c>AverageValue</c>; see <see cref="MetricTargetType"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary>The target total value.</summary>
    public Quantity? Value { get; init; }

    /// <summary>The target value per pod.</summary>
    public Quantity? AverageValue { get; init; }

    /// <summary>The target average usage as a percentage of the pods' resource requests.</summary>
    public int? AverageUtilization { get; init; }
}
