namespace Orchestrator.Api.Defaulting;

// The autoscaling/v2 defaults (Kubernetes pkg/apis/autoscaling/v2/defaults.go).
internal static partial class WorkloadDefaults
{
    /// <summary>The average CPU utilization (percent) targeted by an HPA that lists no metrics.</summary>
    public const int DefaultCpuUtilization = 80;

    /// <summary>
    /// Defaults an HPA: no metrics to 80% average CPU utilization, and when <c>behavior</c> is given, each unset
    /// field of <c>scaleUp</c> and <c>scaleDown</c> to Kubernetes' rules (scale-down's stabilization window stays
    /// unset: the controller uses 300 seconds).
    /// </summary>
    public static HorizontalPodAutoscaler DefaultHorizontalPodAutoscaler(HorizontalPodAutoscaler hpa)
    {
        var spec = hpa.Spec;
        if (spec.Metrics.Count == 0)
        {
            spec = spec with
            {
                Metrics =
                [
                    new MetricSpec
                    {
                        Type = MetricSourceType.Resource,
                        Resource = new ResourceMetricSource
                        {
                            Name = "cpu",
                            Target = new MetricTarget { Type = MetricTargetType.Utilization, AverageUtilization = DefaultCpuUtilization },
                        },
                    },
                ],
            };
        }
        if (spec.Behavior is { } behavior)
        {
            var scaleUp = DefaultScalingRules(behavior.ScaleUp, 0,
                [new() { Type = HpaScalingPolicyType.Pods, Value = 4, PeriodSeconds = 15 }, new() { Type = HpaScalingPolicyType.Percent, Value = 100, PeriodSeconds = 15 }]);
            var scaleDown = DefaultScalingRules(behavior.ScaleDown, null,
                [new() { Type = HpaScalingPolicyType.Percent, Value = 100, PeriodSeconds = 15 }]);
            if (!ReferenceEquals(scaleUp, behavior.ScaleUp) || !ReferenceEquals(scaleDown, behavior.ScaleDown))
            {
                spec = spec with { Behavior = behavior with { ScaleUp = scaleUp, ScaleDown = scaleDown } };
            }
        }
        return ReferenceEquals(spec, hpa.Spec) ? hpa : hpa with { Spec = spec };
    }

    private static HpaScalingRules DefaultScalingRules(HpaScalingRules? rules, int? stabilizationWindowSeconds, HpaScalingPolicy[] policies)
    {
        if (rules is null)
        {
            return new HpaScalingRules { StabilizationWindowSeconds = stabilizationWindowSeconds, SelectPolicy = ScalingPolicySelect.Max, Policies = policies };
        }
        var result = rules;
        if (rules.StabilizationWindowSeconds is null && stabilizationWindowSeconds is not null)
        {
            result = result with { StabilizationWindowSeconds = stabilizationWindowSeconds };
        }
        if (string.IsNullOrEmpty(rules.SelectPolicy)) result = result with { SelectPolicy = ScalingPolicySelect.Max };
        if (rules.Policies.Count == 0) result = result with { Policies = policies };
        return result;
    }
}
