using System.Globalization;
using System.Text.RegularExpressions;
using Orchestrator.Api.Selectors;

namespace Orchestrator.Api.Validation;

/// <summary>
/// Validation rules of the apps/v1, batch/v1, autoscaling/v2 and rbac.authorization.k8s.io/v1 kinds, with
/// Kubernetes' field paths and wording (<c>pkg/apis/{apps,batch,autoscaling,rbac}/validation</c>).
/// </summary>
/// <remarks>
/// Objects are expected to be defaulted first, as in the API server (a Job without <c>restartPolicy</c> has
/// <c>Always</c> by then and is rejected). Invalid values are rendered as Kubernetes does for simple values
/// (<c>-1</c>, <c>"x"</c>, <c>map[string]string{"app":"web"}</c>) and plainly for structured ones.
/// One file for the eleven kinds, as the core rules are in one file; the helpers are shared.
/// </remarks>
internal static partial class WorkloadValidation
{
    private const string SelectorMismatch = "`selector` does not match template `labels`";
    private const string PercentMessage =
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

    /// <summary>Adds the validator of every workload kind to <paramref name="map"/>.</summary>
    public static void Register(Dictionary<Type, Action<KubernetesObject, ValidationErrors>> map)
    {
        map[typeof(ReplicaSet)] = (o, e) => ValidateReplicaSet((ReplicaSet)o, e);
        map[typeof(Deployment)] = (o, e) => ValidateDeployment((Deployment)o, e);
        map[typeof(StatefulSet)] = (o, e) => ValidateStatefulSet((StatefulSet)o, e);
        map[typeof(DaemonSet)] = (o, e) => ValidateDaemonSet((DaemonSet)o, e);
        map[typeof(ControllerRevision)] = (o, e) => ValidateControllerRevision((ControllerRevision)o, e);
        map[typeof(Job)] = (o, e) => ValidateJob((Job)o, e);
        map[typeof(CronJob)] = (o, e) => ValidateCronJob((CronJob)o, e);
        map[typeof(HorizontalPodAutoscaler)] = (o, e) => ValidateHorizontalPodAutoscaler((HorizontalPodAutoscaler)o, e);
        map[typeof(Role)] = (o, e) => ValidateRules(((Role)o).Rules, namespaced: true, e);
        map[typeof(ClusterRole)] = (o, e) => ValidateClusterRole((ClusterRole)o, e);
        map[typeof(RoleBinding)] = (o, e) => ValidateBinding(((RoleBinding)o).RoleRef, ((RoleBinding)o).Subjects, namespaced: true, e);
        map[typeof(ClusterRoleBinding)] = (o, e) =>
            ValidateBinding(((ClusterRoleBinding)o).RoleRef, ((ClusterRoleBinding)o).Subjects, namespaced: false, e);
    }

    // ---- apps/v1 ----

    private static void ValidateReplicaSet(ReplicaSet rs, ValidationErrors errors)
    {
        var spec = rs.Spec;
        NonNegative(errors, "spec.replicas", spec.Replicas);
        NonNegative(errors, "spec.minReadySeconds", spec.MinReadySeconds);
        ValidateSelectorAndTemplate(spec.Selector, spec.Template, "deployment", errors);
        ValidateLongRunningTemplate(spec.Template, "ReplicaSet", errors);
    }

    private static void ValidateDeployment(Deployment deployment, ValidationErrors errors)
    {
        var spec = deployment.Spec;
        NonNegative(errors, "spec.replicas", spec.Replicas);
        ValidateSelectorAndTemplate(spec.Selector, spec.Template, "deployment", errors);
        ValidateLongRunningTemplate(spec.Template, "ReplicaSet", errors);
        var strategy = spec.Strategy;
        switch (strategy.Type)
        {
            case DeploymentStrategyType.Recreate when strategy.RollingUpdate is not null:
                Forbidden(errors, "spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
                break;
            case DeploymentStrategyType.Recreate:
                break;
            case DeploymentStrategyType.RollingUpdate:
                if (strategy.RollingUpdate is { } rollingUpdate)
                {
                    const string path = "spec.strategy.rollingUpdate";
                    PositiveIntOrPercent(errors, path + ".maxUnavailable", rollingUpdate.MaxUnavailable);
                    PositiveIntOrPercent(errors, path + ".maxSurge", rollingUpdate.MaxSurge);
                    if (IntOrPercentValue(rollingUpdate.MaxUnavailable) == 0 && IntOrPercentValue(rollingUpdate.MaxSurge) == 0)
                    {
                        Invalid(errors, path + ".maxUnavailable", rollingUpdate.MaxUnavailable, "may not be 0 when `maxSurge` is 0");
                    }
                    NotMoreThan100Percent(errors, path + ".maxUnavailable", rollingUpdate.MaxUnavailable);
                }
                break;
            default:
                errors.NotSupported("spec.strategy.type", strategy.Type, DeploymentStrategyType.All);
                break;
        }
        NonNegative(errors, "spec.minReadySeconds", spec.MinReadySeconds);
        NonNegative(errors, "spec.revisionHistoryLimit", spec.RevisionHistoryLimit);
        NonNegative(errors, "spec.progressDeadlineSeconds", spec.ProgressDeadlineSeconds);
        if (spec.ProgressDeadlineSeconds <= spec.MinReadySeconds)
        {
            Invalid(errors, "spec.progressDeadlineSeconds", spec.ProgressDeadlineSeconds, "must be greater than minReadySeconds");
        }
    }

    private static void ValidateStatefulSet(StatefulSet set, ValidationErrors errors)
    {
        var spec = set.Spec;
        if (string.IsNullOrEmpty(spec.PodManagementPolicy)) errors.Required("spec.podManagementPolicy");
        else if (!PodManagementPolicy.All.Contains(spec.PodManagementPolicy))
        {
            Invalid(errors, "spec.podManagementPolicy", spec.PodManagementPolicy, "must be 'OrderedReady' or 'Parallel'");
        }
        var strategy = spec.UpdateStrategy;
        switch (strategy.Type)
        {
            case null or "":
                errors.Required("spec.updateStrategy");
                break;
            case StatefulSetUpdateStrategyType.OnDelete when strategy.RollingUpdate is not null:
                Invalid(errors, "spec.updateStrategy.rollingUpdate", strategy.RollingUpdate, "only allowed for updateStrategy 'RollingUpdate'");
                break;
            case StatefulSetUpdateStrategyType.OnDelete:
                break;
            case StatefulSetUpdateStrategyType.RollingUpdate:
                if (strategy.RollingUpdate is { } rollingUpdate)
                {
                    const string path = "spec.updateStrategy.rollingUpdate";
                    NonNegative(errors, path + ".partition", rollingUpdate.Partition);
                    if (rollingUpdate.MaxUnavailable is { } maxUnavailable)
                    {
                        PositiveIntOrPercent(errors, path + ".maxUnavailable", maxUnavailable);
                        if (IntOrPercentValue(maxUnavailable) == 0) Invalid(errors, path + ".maxUnavailable", maxUnavailable, "cannot be 0");
                        NotMoreThan100Percent(errors, path + ".maxUnavailable", maxUnavailable);
                    }
                }
                break;
            default:
                Invalid(errors, "spec.updateStrategy", strategy.Type, "must be 'RollingUpdate' or 'OnDelete'");
                break;
        }
        var retention = spec.PersistentVolumeClaimRetentionPolicy;
        const string retentionPath = "spec.persistentVolumeClaimRetentionPolicy";
        if (!PersistentVolumeClaimRetentionPolicyType.All.Contains(retention.WhenDeleted))
        {
            errors.NotSupported(retentionPath + ".whenDeleted", retention.WhenDeleted, PersistentVolumeClaimRetentionPolicyType.All);
        }
        if (!PersistentVolumeClaimRetentionPolicyType.All.Contains(retention.WhenScaled))
        {
            errors.NotSupported(retentionPath + ".whenScaled", retention.WhenScaled, PersistentVolumeClaimRetentionPolicyType.All);
        }
        if (spec.Ordinals is { } ordinals) NonNegative(errors, "spec.ordinals.start", ordinals.Start);
        NonNegative(errors, "spec.replicas", spec.Replicas);
        NonNegative(errors, "spec.minReadySeconds", spec.MinReadySeconds);
        NonNegative(errors, "spec.revisionHistoryLimit", spec.RevisionHistoryLimit);
        ValidateSelectorAndTemplate(spec.Selector, spec.Template, "statefulset", errors);
        ValidateLongRunningTemplate(spec.Template, "StatefulSet", errors);
        for (var i = 0; i < spec.VolumeClaimTemplates.Count; i++)
        {
            var name = spec.VolumeClaimTemplates[i].Metadata.Name;
            var path = $"spec.volumeClaimTemplates[{i}].metadata.name";
            if (string.IsNullOrEmpty(name)) errors.Required(path);
            else if (NameRules.IsDns1123Subdomain(name) is { } message) Invalid(errors, path, name, message);
        }
    }

    private static void ValidateDaemonSet(DaemonSet set, ValidationErrors errors)
    {
        var spec = set.Spec;
        ValidateSelectorAndTemplate(spec.Selector, spec.Template, "daemonset", errors);
        ValidateLongRunningTemplate(spec.Template, "DaemonSet", errors);
        NonNegative(errors, "spec.minReadySeconds", spec.MinReadySeconds);
        var strategy = spec.UpdateStrategy;
        switch (strategy.Type)
        {
            case DaemonSetUpdateStrategyType.OnDelete:
                break;
            case DaemonSetUpdateStrategyType.RollingUpdate:
                if (strategy.RollingUpdate is { } rollingUpdate)
                {
                    const string path = "spec.updateStrategy.rollingUpdate";
                    PositiveIntOrPercent(errors, path + ".maxUnavailable", rollingUpdate.MaxUnavailable);
                    PositiveIntOrPercent(errors, path + ".maxSurge", rollingUpdate.MaxSurge);
                    NotMoreThan100Percent(errors, path + ".maxUnavailable", rollingUpdate.MaxUnavailable);
                    NotMoreThan100Percent(errors, path + ".maxSurge", rollingUpdate.MaxSurge);
                    var hasUnavailable = IntOrPercentValue(rollingUpdate.MaxUnavailable) != 0;
                    var hasSurge = IntOrPercentValue(rollingUpdate.MaxSurge) != 0;
                    if (hasUnavailable && hasSurge)
                    {
                        Invalid(errors, path + ".maxSurge", rollingUpdate.MaxSurge, "may not be set when maxUnavailable is non-zero");
                    }
                    else if (!hasUnavailable && !hasSurge)
                    {
                        Add(errors, path + ".maxUnavailable", "Required value: cannot be 0 when maxSurge is 0");
                    }
                }
                break;
            default:
                errors.NotSupported("spec.updateStrategy.type", strategy.Type, DaemonSetUpdateStrategyType.All);
                break;
        }
        NonNegative(errors, "spec.revisionHistoryLimit", spec.RevisionHistoryLimit);
    }

    private static void ValidateControllerRevision(ControllerRevision revision, ValidationErrors errors)
    {
        if (revision.Data is null) Add(errors, "data", "Required value: data is mandatory");
        NonNegative(errors, "revision", revision.Revision);
    }

    // ---- batch/v1 ----

    private static void ValidateJob(Job job, ValidationErrors errors)
    {
        var spec = job.Spec;
        ValidateJobSpec(spec, "spec", errors);
        if (spec.Selector is null)
        {
            // Without manualSelector the selector is generated once the Job has a UID; see WorkloadDefaults.DefaultJob.
            if (spec.ManualSelector == true || !string.IsNullOrEmpty(job.Metadata.Uid)) errors.Required("spec.selector");
            return;
        }
        if (ValidateLabelSelector(spec.Selector, "spec.selector", errors) && !Matches(spec.Selector, spec.Template.Metadata.Labels))
        {
            Invalid(errors, "spec.template.metadata.labels", spec.Template.Metadata.Labels, SelectorMismatch);
        }
        if (spec.ManualSelector != true && job.Metadata.Uid is { Length: > 0 } uid &&
            !(spec.Selector.MatchExpressions.Count == 0 && spec.Selector.MatchLabels.Count == 1 &&
              spec.Selector.MatchLabels.TryGetValue(WellKnownLabels.JobControllerUid, out var selected) && selected == uid))
        {
            Invalid(errors, "spec.selector", spec.Selector, "`selector` not auto-generated");
        }
    }

    private static void ValidateJobSpec(JobSpec spec, string path, ValidationErrors errors)
    {
        if (spec.Parallelism is { } parallelism) NonNegative(errors, path + ".parallelism", parallelism);
        if (spec.Completions is { } completions) NonNegative(errors, path + ".completions", completions);
        if (spec.ActiveDeadlineSeconds is { } deadline) NonNegative(errors, path + ".activeDeadlineSeconds", deadline);
        if (spec.BackoffLimit is { } backoffLimit) NonNegative(errors, path + ".backoffLimit", backoffLimit);
        if (spec.TtlSecondsAfterFinished is { } ttl) NonNegative(errors, path + ".ttlSecondsAfterFinished", ttl);
        if (spec.BackoffLimitPerIndex is { } perIndex) NonNegative(errors, path + ".backoffLimitPerIndex", perIndex);
        if (spec.CompletionMode is { } mode)
        {
            if (!JobCompletionMode.All.Contains(mode)) errors.NotSupported(path + ".completionMode", mode, JobCompletionMode.All);
            if (mode == JobCompletionMode.Indexed && spec.Completions is null)
            {
                Add(errors, path + ".completions", "Required value: when completion mode is Indexed");
            }
        }
        if (spec.PodReplacementPolicy is { } replacement && !JobPodReplacementPolicy.All.Contains(replacement))
        {
            errors.NotSupported(path + ".podReplacementPolicy", replacement, JobPodReplacementPolicy.All);
        }
        CoreValidation.ValidatePodTemplate(spec.Template, path + ".template", errors);
        var restartPolicyPath = path + ".template.spec.restartPolicy";
        var restartPolicy = spec.Template.Spec.RestartPolicy;
        if (string.IsNullOrEmpty(restartPolicy) || restartPolicy == RestartPolicy.Always)
        {
            Add(errors, restartPolicyPath, "Required value: valid values: \"OnFailure\", \"Never\"");
        }
        else if (restartPolicy is not (RestartPolicy.OnFailure or RestartPolicy.Never))
        {
            errors.NotSupported(restartPolicyPath, restartPolicy, [RestartPolicy.OnFailure, RestartPolicy.Never]);
        }
        else if (spec.PodFailurePolicy is not null && restartPolicy != RestartPolicy.Never)
        {
            Invalid(errors, restartPolicyPath, restartPolicy, "only \"Never\" is supported when podFailurePolicy is specified");
        }
    }

    private static void ValidateCronJob(CronJob cronJob, ValidationErrors errors)
    {
        // Job names are "<cronjob>-<11 characters>" and must stay DNS-1035 labels.
        if (cronJob.Metadata.Name is { Length: > 52 } name) Invalid(errors, "metadata.name", name, "must be no more than 52 characters");
        var spec = cronJob.Spec;
        if (string.IsNullOrWhiteSpace(spec.Schedule)) errors.Required("spec.schedule");
        else if (spec.Schedule.Contains("TZ", StringComparison.Ordinal))
        {
            Invalid(errors, "spec.schedule", spec.Schedule, spec.TimeZone is null
                ? "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
                : "cannot use both timeZone field and TZ or CRON_TZ in schedule");
        }
        if (spec.StartingDeadlineSeconds is { } deadline) NonNegative(errors, "spec.startingDeadlineSeconds", deadline);
        if (spec.TimeZone is { } timeZone) ValidateTimeZone(timeZone, errors);
        if (string.IsNullOrEmpty(spec.ConcurrencyPolicy)) errors.Required("spec.concurrencyPolicy");
        else if (!ConcurrencyPolicy.All.Contains(spec.ConcurrencyPolicy))
        {
            errors.NotSupported("spec.concurrencyPolicy", spec.ConcurrencyPolicy, ConcurrencyPolicy.All);
        }
        var jobSpec = spec.JobTemplate.Spec;
        ValidateJobSpec(jobSpec, "spec.jobTemplate.spec", errors);
        if (jobSpec.Selector is not null)
        {
            Invalid(errors, "spec.jobTemplate.spec.selector", jobSpec.Selector, "`selector` will be auto-generated");
        }
        if (jobSpec.ManualSelector == true) errors.NotSupported("spec.jobTemplate.spec.manualSelector", "true", ["nil", "false"]);
        NonNegative(errors, "spec.successfulJobsHistoryLimit", spec.SuccessfulJobsHistoryLimit);
        NonNegative(errors, "spec.failedJobsHistoryLimit", spec.FailedJobsHistoryLimit);
    }

    private static void ValidateTimeZone(string timeZone, ValidationErrors errors)
    {
        const string path = "spec.timeZone";
        if (timeZone.Length == 0)
        {
            Invalid(errors, path, timeZone, "timeZone must be nil or non-empty string");
            return;
        }
        if (timeZone.Split('/').Any(part => part is "." or ".." || part.StartsWith('-') || !TimeZonePart().IsMatch(part)))
        {
            Invalid(errors, path, timeZone, $"unknown time zone {timeZone}");
            return;
        }
        if (string.Equals(timeZone, "Local", StringComparison.OrdinalIgnoreCase))
        {
            Invalid(errors, path, timeZone, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones");
            return;
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _)) Invalid(errors, path, timeZone, $"unknown time zone {timeZone}");
    }

    [GeneratedRegex("^[A-Za-z._+\\-0-9]+$")]
    private static partial Regex TimeZonePart();

    // ---- autoscaling/v2 ----

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

    // ---- rbac.authorization.k8s.io/v1 ----

    private static void ValidateClusterRole(ClusterRole role, ValidationErrors errors)
    {
        ValidateRules(role.Rules, namespaced: false, errors);
        if (role.AggregationRule is not { } aggregation) return;
        if (aggregation.ClusterRoleSelectors.Count == 0)
        {
            Add(errors, "aggregationRule.clusterRoleSelectors", "Required value: at least one clusterRoleSelector required if aggregationRule is non-nil");
        }
        for (var i = 0; i < aggregation.ClusterRoleSelectors.Count; i++)
        {
            ValidateLabelSelector(aggregation.ClusterRoleSelectors[i], $"aggregationRule.clusterRoleSelectors[{i}]", errors);
        }
    }

    private static void ValidateRules(IReadOnlyList<PolicyRule> rules, bool namespaced, ValidationErrors errors)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var path = $"rules[{i}]";
            if (rule.Verbs.Count == 0) Add(errors, path + ".verbs", "Required value: verbs must contain at least one value");
            if (rule.NonResourceURLs.Count > 0)
            {
                if (namespaced)
                {
                    Invalid(errors, path + ".nonResourceURLs", rule.NonResourceURLs, "namespaced rules cannot apply to non-resource URLs");
                }
                if (rule.ApiGroups.Count > 0 || rule.Resources.Count > 0 || rule.ResourceNames.Count > 0)
                {
                    Invalid(errors, path + ".nonResourceURLs", rule.NonResourceURLs, "rules cannot apply to both regular resources and non-resource URLs");
                }
                continue;
            }
            if (rule.ApiGroups.Count == 0) Add(errors, path + ".apiGroups", "Required value: resource rules must supply at least one api group");
            if (rule.Resources.Count == 0) Add(errors, path + ".resources", "Required value: resource rules must supply at least one resource");
        }
    }

    private static void ValidateBinding(RoleRef roleRef, IReadOnlyList<Subject> subjects, bool namespaced, ValidationErrors errors)
    {
        if (roleRef.ApiGroup != RbacApi.Group) errors.NotSupported("roleRef.apiGroup", roleRef.ApiGroup, [RbacApi.Group]);
        IReadOnlyList<string> kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
        if (!kinds.Contains(roleRef.Kind)) errors.NotSupported("roleRef.kind", roleRef.Kind, kinds);
        if (roleRef.Name.Length == 0) errors.Required("roleRef.name");
        else if (NameRules.IsPathSegmentName(roleRef.Name) is { } message) Invalid(errors, "roleRef.name", roleRef.Name, message);
        for (var i = 0; i < subjects.Count; i++)
        {
            var subject = subjects[i];
            var path = $"subjects[{i}]";
            if (subject.Name.Length == 0) errors.Required(path + ".name");
            switch (subject.Kind)
            {
                case SubjectKind.ServiceAccount:
                    if (subject.Name.Length > 0 && NameRules.IsDns1123Subdomain(subject.Name) is { } nameMessage)
                    {
                        Invalid(errors, path + ".name", subject.Name, nameMessage);
                    }
                    if (!string.IsNullOrEmpty(subject.ApiGroup)) errors.NotSupported(path + ".apiGroup", subject.ApiGroup, [""]);
                    if (!namespaced && string.IsNullOrEmpty(subject.Namespace)) errors.Required(path + ".namespace");
                    break;
                case SubjectKind.User or SubjectKind.Group:
                    if (subject.ApiGroup != RbacApi.Group) errors.NotSupported(path + ".apiGroup", subject.ApiGroup ?? "", [RbacApi.Group]);
                    break;
                default:
                    errors.NotSupported(path + ".kind", subject.Kind, SubjectKind.All);
                    break;
            }
        }
    }

    // ---- shared ----

    /// <summary>
    /// The selector rules of the controllers that own pods: required, valid, not empty, and matching the template's
    /// labels; then the template itself.
    /// </summary>
    private static void ValidateSelectorAndTemplate(LabelSelector? selector, PodTemplateSpec template, string kind, ValidationErrors errors)
    {
        if (selector is null) errors.Required("spec.selector");
        else
        {
            var valid = ValidateLabelSelector(selector, "spec.selector", errors);
            if (selector.MatchLabels.Count + selector.MatchExpressions.Count == 0)
            {
                Invalid(errors, "spec.selector", selector, $"empty selector is invalid for {kind}");
            }
            else if (valid && !Matches(selector, template.Metadata.Labels))
            {
                Invalid(errors, "spec.template.metadata.labels", template.Metadata.Labels, SelectorMismatch);
            }
        }
        CoreValidation.ValidatePodTemplate(template, "spec.template", errors);
    }

    /// <summary>Pods of ReplicaSets, Deployments, StatefulSets and DaemonSets must restart always and have no deadline.</summary>
    private static void ValidateLongRunningTemplate(PodTemplateSpec template, string kind, ValidationErrors errors)
    {
        if (template.Spec.RestartPolicy != RestartPolicy.Always)
        {
            errors.NotSupported("spec.template.spec.restartPolicy", template.Spec.RestartPolicy, [RestartPolicy.Always]);
        }
        if (template.Spec.ActiveDeadlineSeconds is { } deadline)
        {
            var detail = kind == "DaemonSet" ? "activeDeadlineSeconds must be nil for daemons" : $"activeDeadlineSeconds in {kind} is not Supported";
            Invalid(errors, "spec.template.spec.activeDeadlineSeconds", deadline, detail);
        }
    }

    /// <summary>Kubernetes' <c>ValidateLabelSelector</c>; returns false when the selector cannot be evaluated.</summary>
    private static bool ValidateLabelSelector(LabelSelector selector, string path, ValidationErrors errors)
    {
        var before = errors.Errors.Count;
        foreach (var (key, value) in selector.MatchLabels)
        {
            if (NameRules.IsQualifiedName(key) is { } keyMessage) Invalid(errors, path + ".matchLabels", key, keyMessage);
            if (NameRules.IsValidLabelValue(value) is { } valueMessage) Invalid(errors, path + ".matchLabels", value, valueMessage);
        }
        for (var i = 0; i < selector.MatchExpressions.Count; i++)
        {
            var expression = selector.MatchExpressions[i];
            var expressionPath = $"{path}.matchExpressions[{i}]";
            switch (expression.Operator)
            {
                case LabelSelectorOperator.In or LabelSelectorOperator.NotIn when expression.Values.Count == 0:
                    Add(errors, expressionPath + ".values", "Required value: must be specified when `operator` is 'In' or 'NotIn'");
                    break;
                case LabelSelectorOperator.Exists or LabelSelectorOperator.DoesNotExist when expression.Values.Count > 0:
                    Forbidden(errors, expressionPath + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    break;
                case LabelSelectorOperator.In or LabelSelectorOperator.NotIn or LabelSelectorOperator.Exists or LabelSelectorOperator.DoesNotExist:
                    break;
                default:
                    Invalid(errors, expressionPath + ".operator", expression.Operator, "not a valid selector operator");
                    break;
            }
            if (NameRules.IsQualifiedName(expression.Key) is { } keyMessage) Invalid(errors, expressionPath + ".key", expression.Key, keyMessage);
            for (var j = 0; j < expression.Values.Count; j++)
            {
                if (NameRules.IsValidLabelValue(expression.Values[j]) is { } valueMessage)
                {
                    Invalid(errors, $"{expressionPath}.values[{j}]", expression.Values[j], valueMessage);
                }
            }
        }
        return errors.Errors.Count == before;
    }

    private static bool Matches(LabelSelector selector, IReadOnlyDictionary<string, string> labels) =>
        Selector.FromLabelSelector(selector).Matches(labels);

    private static void NonNegative(ValidationErrors errors, string path, long value)
    {
        if (value < 0) Invalid(errors, path, value, "must be greater than or equal to 0");
    }

    /// <summary>Kubernetes' <c>ValidatePositiveIntOrPercent</c>: a non-negative number or a string such as <c>25%</c>.</summary>
    private static void PositiveIntOrPercent(ValidationErrors errors, string path, IntOrString value)
    {
        if (!value.IsInt)
        {
            if (!PercentPattern().IsMatch(value.StringValue!)) Invalid(errors, path, value, PercentMessage);
        }
        else if (value.IntValue < 0) Invalid(errors, path, value, "must be greater than or equal to 0");
    }

    private static void NotMoreThan100Percent(ValidationErrors errors, string path, IntOrString value)
    {
        if (!value.IsInt && PercentPattern().IsMatch(value.StringValue!) && IntOrPercentValue(value) > 100)
        {
            Invalid(errors, path, value, "must not be greater than 100%");
        }
    }

    /// <summary>The number or percentage held; 0 for a malformed string (reported separately), as in Kubernetes.</summary>
    private static int IntOrPercentValue(IntOrString value)
    {
        if (value.IsInt) return value.IntValue;
        var text = value.StringValue!;
        if (PercentPattern().IsMatch(text)) text = text[..^1];
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0;
    }

    [GeneratedRegex("^[0-9]+%$")]
    private static partial Regex PercentPattern();

    private static void Add(ValidationErrors errors, string path, string reason) => errors.Add(path, reason);

    private static void Forbidden(ValidationErrors errors, string path, string detail) => errors.Add(path, $"Forbidden: {detail}");

    private static void Invalid(ValidationErrors errors, string path, object? value, string detail) =>
        errors.Add(path, $"Invalid value: {FormatValue(value)}: {detail}");

    /// <summary>Renders a bad value as Kubernetes' <c>field.Invalid</c> does for simple types, and API structures as JSON.</summary>
    private static string FormatValue(object? value) => value switch
    {
        null => "null",
        string text => Quote(text),
        bool flag => flag ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        IReadOnlyDictionary<string, string> map =>
            "map[string]string{" + string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{Quote(p.Key)}:{Quote(p.Value)}")) + "}",
        IReadOnlyList<string> list => "[]string{" + string.Join(", ", list.Select(Quote)) + "}",
        IntOrString or Quantity => value.ToString() ?? "",
        _ => KubernetesJson.Serialize(value),
    };

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
