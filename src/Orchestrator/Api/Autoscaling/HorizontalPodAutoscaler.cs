namespace Orchestrator.Api;

/// <summary>
/// Scales a workload's <c>spec.replicas</c> between <see cref="HorizontalPodAutoscalerSpec.MinReplicas"/> and
/// <see cref="HorizontalPodAutoscalerSpec.MaxReplicas"/> from observed metrics (Kubernetes autoscaling/v2
/// <c>HorizontalPodAutoscaler</c>).
/// </summary>
public sealed record HorizontalPodAutoscaler : KubernetesObject<HorizontalPodAutoscalerSpec, HorizontalPodAutoscalerStatus>
{
    /// <summary>Creates an empty <c>autoscaling/v2</c> HorizontalPodAutoscaler.</summary>
    public HorizontalPodAutoscaler() : base("autoscaling/v2", "HorizontalPodAutoscaler")
    {
    }
}

/// <summary>The desired state of a <see cref="HorizontalPodAutoscaler"/> (Kubernetes <c>HorizontalPodAutoscalerSpec</c>).</summary>
public sealed record HorizontalPodAutoscalerSpec
{
    /// <summary>The workload to scale, in the autoscaler's namespace, for example a Deployment.</summary>
    public CrossVersionObjectReference ScaleTargetRef { get; init; } = new();

    /// <summary>The fewest replicas the autoscaler scales down to; defaults to 1.</summary>
    public int MinReplicas { get; init; } = 1;

    /// <summary>The most replicas the autoscaler scales up to; required, at least <see cref="MinReplicas"/>.</summary>
    public int MaxReplicas { get; init; }

    /// <summary>
    /// The metrics to meet; the largest replica count any of them asks for wins. Defaults to 80% average CPU
    /// utilization when empty.
    /// </summary>
    public IReadOnlyList<MetricSpec> Metrics { get; init; } = [];

    /// <summary>Rate limits and stabilization for each direction; Kubernetes' default behaviour when unset.</summary>
    public HorizontalPodAutoscalerBehavior? Behavior { get; init; }
}

/// <summary>Names an object by kind and name across API versions (Kubernetes <c>CrossVersionObjectReference</c>).</summary>
public sealed record CrossVersionObjectReference
{
    /// <summary>The kind, for example <c>Deployment</c>; required.</summary>
    public string Kind { get; init; } = "";

    /// <summary>The name; required.</summary>
    public string Name { get; init; } = "";

    /// <summary>The API version, for example <c>apps/v1</c>.</summary>
    public string? ApiVersion { get; init; }
}

/// <summary>Scaling behaviour of a <see cref="HorizontalPodAutoscaler"/> (Kubernetes <c>HorizontalPodAutoscalerBehavior</c>).</summary>
public sealed record HorizontalPodAutoscalerBehavior
{
    /// <summary>Rules for scaling up; defaulted to no stabilization and the larger of 4 pods or 100% per 15 s.</summary>
    public HpaScalingRules? ScaleUp { get; init; }

    /// <summary>Rules for scaling down; defaulted to 100% per 15 s, with a 300 s stabilization window when unset.</summary>
    public HpaScalingRules? ScaleDown { get; init; }
}

/// <summary>Scaling rules for one direction (Kubernetes <c>HPAScalingRules</c>).</summary>
public sealed record HpaScalingRules
{
    /// <summary>
    /// Seconds of past recommendations considered, 0 to 3600: the autoscaler uses the highest (scale down) or
    /// lowest (scale up) recommendation in the window. Scale-down uses 300 when unset.
    /// </summary>
    public int? StabilizationWindowSeconds { get; init; }

    /// <summary><c>Max</c> (the default), <c>Min</c> or <c>Disabled</c>; see <see cref="ScalingPolicySelect"/>.</summary>
    public string? SelectPolicy { get; init; }

    /// <summary>The allowed changes per period; at least one when the rules are given.</summary>
    public IReadOnlyList<HpaScalingPolicy> Policies { get; init; } = [];

    /// <summary>The relative metric change below which no scaling happens (shape only; 10% is used).</summary>
    public Quantity? Tolerance { get; init; }
}

/// <summary>One allowed change per period (Kubernetes <c>HPAScalingPolicy</c>).</summary>
public sealed record HpaScalingPolicy
{
    /// <summary><c>Pods</c> or <c>Percent</c>; see <see cref="HpaScalingPolicyType"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary>The number of pods or the percentage of current replicas; greater than 0.</summary>
    public int Value { get; init; }

    /// <summary>The window, 1 to 1800 seconds, over which <see cref="Value"/> applies.</summary>
    public int PeriodSeconds { get; init; }
}
