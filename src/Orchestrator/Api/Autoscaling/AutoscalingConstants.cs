namespace Orchestrator.Api;

/// <summary>Values of <see cref="MetricSpec.Type"/> and <see cref="MetricStatus.Type"/>.</summary>
public static class MetricSourceType
{
    /// <summary>A metric of a single object.</summary>
    public const string Object = "Object";

    /// <summary>A metric averaged over the target's pods.</summary>
    public const string Pods = "Pods";

    /// <summary>A resource (cpu, memory) of the target's pods.</summary>
    public const string Resource = "Resource";

    /// <summary>A resource of one container of the target's pods.</summary>
    public const string ContainerResource = "ContainerResource";

    /// <summary>A metric from outside the cluster.</summary>
    public const string External = "External";

    /// <summary>Every supported value, in Kubernetes' order.</summary>
    public static IReadOnlyList<string> All { get; } = [ContainerResource, External, Object, Pods, Resource];
}

/// <summary>Values of <see cref="MetricTarget.Type"/>.</summary>
public static class MetricTargetType
{
    /// <summary>Average usage as a percentage of requests (<see cref="MetricTarget.AverageUtilization"/>).</summary>
    public const string Utilization = "Utilization";

    /// <summary>A total value (<see cref="MetricTarget.Value"/>).</summary>
    public const string Value = "Value";

    /// <summary>A value per pod (<see cref="MetricTarget.AverageValue"/>).</summary>
    public const string AverageValue = "AverageValue";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [Utilization, Value, AverageValue];
}

/// <summary>Values of <see cref="HpaScalingRules.SelectPolicy"/>.</summary>
public static class ScalingPolicySelect
{
    /// <summary>Use the policy that allows the largest change (the default).</summary>
    public const string Max = "Max";

    /// <summary>Use the policy that allows the smallest change.</summary>
    public const string Min = "Min";

    /// <summary>Do not scale in this direction.</summary>
    public const string Disabled = "Disabled";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [Max, Min, Disabled];
}

/// <summary>Values of <see cref="HpaScalingPolicy.Type"/>.</summary>
public static class HpaScalingPolicyType
{
    /// <summary>An absolute number of pods.</summary>
    public const string Pods = "Pods";

    /// <summary>A percentage of the current replicas.</summary>
    public const string Percent = "Percent";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [Pods, Percent];
}

/// <summary>Condition types of a <see cref="HorizontalPodAutoscaler"/>.</summary>
public static class HorizontalPodAutoscalerConditionType
{
    /// <summary>Whether the autoscaler can read and update the target's scale (<c>False</c> while backing off).</summary>
    public const string AbleToScale = "AbleToScale";

    /// <summary>Whether the autoscaler can compute a replica count from the metrics.</summary>
    public const string ScalingActive = "ScalingActive";

    /// <summary>Whether the computed count was clamped to <c>minReplicas</c>/<c>maxReplicas</c> or a rate limit.</summary>
    public const string ScalingLimited = "ScalingLimited";
}
