namespace Orchestrator.Api.Validation;

// The autoscaling/v2 rules: HorizontalPodAutoscaler.
internal static partial class WorkloadValidation
{
    private static void ValidateHorizontalPodAutoscaler(HorizontalPodAutoscaler hpa, ValidationErrors errors)
    {
        var spec = hpa.Spec;
        if (spec.MinReplicas < 1) Invalid(errors, "spec.minReplicas", spec.MinReplicas, "must be greater than or equal to 1");
        if (spec.MaxReplicas < 1) Invalid(errors, "spec.maxReplicas", spec.MaxReplicas, "must be greater than 0");
        if (spec.MaxReplicas < spec.MinReplicas)
        {
            Invalid(errors, "spec.maxReplicas", spec.MaxReplicas, "must be greater than or equal to `minReplicas`");
        }
        ValidateObjectReference(spec.ScaleTargetRef, "spec.scaleTargetRef", errors);
        for (var i = 0; i < spec.Metrics.Count; i++) ValidateMetricSpec(spec.Metrics[i], $"spec.metrics[{i}]", errors);
        if (spec.Behavior is { } behavior)
        {
            ValidateScalingRules(behavior.ScaleUp, "spec.behavior.scaleUp", errors);
            ValidateScalingRules(behavior.ScaleDown, "spec.behavior.scaleDown", errors);
        }
    }

    private static void ValidateObjectReference(CrossVersionObjectReference reference, string path, ValidationErrors errors)
    {
        if (reference.Kind.Length == 0) errors.Required(path + ".kind");
        else if (NameRules.IsPathSegmentName(reference.Kind) is { } kindMessage) Invalid(errors, path + ".kind", reference.Kind, kindMessage);
        if (reference.Name.Length == 0) errors.Required(path + ".name");
        else if (NameRules.IsPathSegmentName(reference.Name) is { } nameMessage) Invalid(errors, path + ".name", reference.Name, nameMessage);
    }

    private static void ValidateMetricSpec(MetricSpec metric, string path, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(metric.Type)) Add(errors, path + ".type", "Required value: must specify a metric source type");
        else if (!MetricSourceType.All.Contains(metric.Type)) errors.NotSupported(path + ".type", metric.Type, MetricSourceType.All);
        var present = new List<(string Field, object Source)>();
        if (metric.Object is not null) present.Add(("object", metric.Object));
        if (metric.Pods is not null) present.Add(("pods", metric.Pods));
        if (metric.Resource is not null) present.Add(("resource", metric.Resource));
        if (metric.ContainerResource is not null) present.Add(("containerResource", metric.ContainerResource));
        if (metric.External is not null) present.Add(("external", metric.External));
        var expected = metric.Type switch
        {
            MetricSourceType.Object => "object",
            MetricSourceType.Pods => "pods",
            MetricSourceType.Resource => "resource",
            MetricSourceType.ContainerResource => "containerResource",
            MetricSourceType.External => "external",
            _ => null,
        };
        foreach (var (field, _) in present)
        {
            if (field != expected && present.Count != 1) Forbidden(errors, $"{path}.{field}", "must populate the given metric source only");
        }
        if (expected is null) return;
        var source = present.FirstOrDefault(p => p.Field == expected).Source;
        var sourcePath = $"{path}.{expected}";
        switch (source)
        {
            case null:
                Add(errors, sourcePath, "Required value: must populate information for the given metric source");
                break;
            case ResourceMetricSource resource:
                ValidateResourceSource(resource.Name, resource.Target, sourcePath, errors);
                break;
            case ContainerResourceMetricSource container:
                ValidateResourceSource(container.Name, container.Target, sourcePath, errors);
                if (container.Container.Length == 0) Add(errors, sourcePath + ".container", "Required value: must specify a container");
                break;
            case PodsMetricSource pods:
                ValidateMetricSource(pods.Metric, pods.Target, sourcePath, errors);
                break;
            case ObjectMetricSource obj:
                ValidateObjectReference(obj.DescribedObject, sourcePath + ".describedObject", errors);
                ValidateMetricSource(obj.Metric, obj.Target, sourcePath, errors);
                break;
            case ExternalMetricSource external:
                ValidateMetricSource(external.Metric, external.Target, sourcePath, errors);
                break;
        }
    }

    private static void ValidateResourceSource(string name, MetricTarget target, string path, ValidationErrors errors)
    {
        if (name.Length == 0) Add(errors, path + ".name", "Required value: must specify a resource name");
        else if (NameRules.IsQualifiedName(name) is { } message) Invalid(errors, path + ".name", name, message);
        ValidateMetricTarget(target, path + ".target", errors);
        if (target.AverageUtilization is null && target.AverageValue is null)
        {
            Add(errors, path + ".target.averageUtilization", "Required value: must set either a target raw value or a target utilization");
        }
        if (target.AverageUtilization is not null && target.AverageValue is not null)
        {
            Forbidden(errors, path + ".target.averageValue", "may not set both a target raw value and a target utilization");
        }
    }

    private static void ValidateMetricSource(MetricIdentifier metric, MetricTarget target, string path, ValidationErrors errors)
    {
        if (metric.Name.Length == 0) Add(errors, path + ".metric.name", "Required value: must specify a metric name");
        if (metric.Selector is not null) ValidateLabelSelector(metric.Selector, path + ".metric.selector", errors);
        ValidateMetricTarget(target, path + ".target", errors);
    }

    private static void ValidateMetricTarget(MetricTarget target, string path, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(target.Type)) Add(errors, path + ".type", "Required value: must specify a metric target type");
        if (!MetricTargetType.All.Contains(target.Type))
        {
            Invalid(errors, path + ".type", target.Type, "must be either Utilization, Value, or AverageValue");
        }
        if (target.Value is { } value && value <= Quantity.Zero) Invalid(errors, path + ".value", value, "must be positive");
        if (target.AverageValue is { } average && average <= Quantity.Zero) Invalid(errors, path + ".averageValue", average, "must be positive");
        if (target.AverageUtilization is < 1) Invalid(errors, path + ".averageUtilization", target.AverageUtilization, "must be greater than 0");
    }

    private static void ValidateScalingRules(HpaScalingRules? rules, string path, ValidationErrors errors)
    {
        if (rules is null) return;
        if (rules.StabilizationWindowSeconds is < 0)
        {
            Invalid(errors, path + ".stabilizationWindowSeconds", rules.StabilizationWindowSeconds, "must be greater than or equal to zero");
        }
        if (rules.StabilizationWindowSeconds is > 3600)
        {
            Invalid(errors, path + ".stabilizationWindowSeconds", rules.StabilizationWindowSeconds, "must be less than or equal to 3600");
        }
        if (rules.SelectPolicy is { } select && !ScalingPolicySelect.All.Contains(select))
        {
            errors.NotSupported(path + ".selectPolicy", select, ["Disabled", "Max", "Min"]);
        }
        if (rules.Policies.Count == 0) Add(errors, path + ".policies", "Required value: must specify at least one Policy");
        for (var i = 0; i < rules.Policies.Count; i++)
        {
            var policy = rules.Policies[i];
            var policyPath = $"{path}.policies[{i}]";
            if (!HpaScalingPolicyType.All.Contains(policy.Type)) errors.NotSupported(policyPath + ".type", policy.Type, ["Percent", "Pods"]);
            if (policy.Value <= 0) Invalid(errors, policyPath + ".value", policy.Value, "must be greater than zero");
            if (policy.PeriodSeconds <= 0) Invalid(errors, policyPath + ".periodSeconds", policy.PeriodSeconds, "must be greater than zero");
            if (policy.PeriodSeconds > 1800) Invalid(errors, policyPath + ".periodSeconds", policy.PeriodSeconds, "must be less than or equal to 1800");
        }
    }
}
