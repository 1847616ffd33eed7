using System.Collections.Immutable;
using Orchestrator.Api;
using static Orchestrator.Tests.Api.Workloads.WorkloadFixtures;

namespace Orchestrator.Tests.Api.Workloads;

public class AutoscalingValidationTests
{
    private static IEnumerable<TestCaseData> InvalidObjects()
    {        // autoscaling/v2 HorizontalPodAutoscaler
        yield return Case("hpa min replicas zero", ValidHpa with { Spec = ValidHpa.Spec with { MinReplicas = 0 } },
            "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1");
        yield return Case("hpa max replicas zero", ValidHpa with { Spec = ValidHpa.Spec with { MaxReplicas = 0 } },
            "spec.maxReplicas: Invalid value: 0: must be greater than 0");
        yield return Case("hpa max below min", ValidHpa with { Spec = ValidHpa.Spec with { MinReplicas = 5, MaxReplicas = 3 } },
            "spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`");
        yield return Case("hpa target kind missing", ValidHpa with { Spec = ValidHpa.Spec with { ScaleTargetRef = ValidHpa.Spec.ScaleTargetRef with { Kind = "" } } },
            "spec.scaleTargetRef.kind: Required value");
        yield return Case("hpa unknown metric type", ValidHpa with { Spec = ValidHpa.Spec with { Metrics = [new MetricSpec { Type = "Magic" }] } },
            "spec.metrics[0].type: Unsupported value: \"Magic\": supported values: \"ContainerResource\", \"External\", \"Object\", \"Pods\", \"Resource\"");
        yield return Case("hpa resource source missing", ValidHpa with { Spec = ValidHpa.Spec with { Metrics = [new MetricSpec { Type = MetricSourceType.Resource }] } },
            "spec.metrics[0].resource: Required value: must populate information for the given metric source");
        yield return Case("hpa two sources", ValidHpa with
        {
            Spec = ValidHpa.Spec with { Metrics = [ValidHpa.Spec.Metrics[0] with { Pods = new PodsMetricSource() }] },
        }, "spec.metrics[0].pods: Forbidden: must populate the given metric source only");
        yield return Case("hpa zero utilization", ValidHpa with
        {
            Spec = ValidHpa.Spec with { Metrics = [ResourceMetric(new MetricTarget { Type = MetricTargetType.Utilization, AverageUtilization = 0 })] },
        }, "spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0");
        yield return Case("hpa unknown target type", ValidHpa with
        {
            Spec = ValidHpa.Spec with { Metrics = [ResourceMetric(new MetricTarget { Type = "Percent", AverageUtilization = 50 })] },
        }, "spec.metrics[0].resource.target.type: Invalid value: \"Percent\": must be either Utilization, Value, or AverageValue");
        yield return Case("hpa resource target without value", ValidHpa with
        {
            Spec = ValidHpa.Spec with { Metrics = [ResourceMetric(new MetricTarget { Type = MetricTargetType.Utilization })] },
        }, "spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization");
        yield return Case("hpa negative average value", ValidHpa with
        {
            Spec = ValidHpa.Spec with { Metrics = [ResourceMetric(new MetricTarget { Type = MetricTargetType.AverageValue, AverageValue = Quantity.Parse("-100m") })] },
        }, "spec.metrics[0].resource.target.averageValue: Invalid value: -100m: must be positive");
        yield return Case("hpa zero policy value", ValidHpa with
        {
            Spec = ValidHpa.Spec with
            {
                Behavior = ValidHpa.Spec.Behavior! with { ScaleUp = ValidHpa.Spec.Behavior.ScaleUp! with { Policies = [new HpaScalingPolicy { Type = "Pods", Value = 0, PeriodSeconds = 15 }] } },
            },
        }, "spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero");
        yield return Case("hpa long stabilization", ValidHpa with
        {
            Spec = ValidHpa.Spec with { Behavior = ValidHpa.Spec.Behavior! with { ScaleDown = ValidHpa.Spec.Behavior.ScaleDown! with { StabilizationWindowSeconds = 4000 } } },
        }, "spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600");
        yield return Case("hpa unknown select policy", ValidHpa with
        {
            Spec = ValidHpa.Spec with { Behavior = ValidHpa.Spec.Behavior! with { ScaleDown = ValidHpa.Spec.Behavior.ScaleDown! with { SelectPolicy = "Avg" } } },
        }, "spec.behavior.scaleDown.selectPolicy: Unsupported value: \"Avg\": supported values: \"Disabled\", \"Max\", \"Min\"");
    }

    private static MetricSpec ResourceMetric(MetricTarget target) =>
        new() { Type = MetricSourceType.Resource, Resource = new ResourceMetricSource { Name = "cpu", Target = target } };

    [TestCaseSource(nameof(InvalidObjects))]
    public void Validate_InvalidField_ReportsKubernetesFieldError(KubernetesObject obj, string expected)
    {
        var errors = Validate(obj);

        Assert.That(errors, Has.Member(expected), string.Join("\n", errors));
    }
}
