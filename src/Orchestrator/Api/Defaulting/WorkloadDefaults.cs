using System.Collections.Immutable;

namespace Orchestrator.Api.Defaulting;

/// <summary>
/// The API-server defaults of the apps/v1, batch/v1, autoscaling/v2 and rbac.authorization.k8s.io/v1 kinds that
/// depend on other fields (static defaults such as <c>revisionHistoryLimit: 10</c> are property initializers of the
/// records). Pod templates get the core pod defaults.
/// </summary>
/// <remarks>
/// Every function is idempotent and returns its argument unchanged (the same instance) when nothing needed
/// defaulting, so the store can tell cheaply that a write changed nothing.
/// </remarks>
internal static partial class WorkloadDefaults
{
    /// <summary>Kubernetes' default for <c>spec.backoffLimit</c> of a Job.</summary>
    public const int DefaultBackoffLimit = 6;

    /// <summary>Adds the defaulter of every workload kind that needs one to <paramref name="map"/>.</summary>
    public static void Register(Dictionary<Type, Func<KubernetesObject, KubernetesObject>> map)
    {
        map[typeof(ReplicaSet)] = o => DefaultReplicaSet((ReplicaSet)o);
        map[typeof(Deployment)] = o => DefaultDeployment((Deployment)o);
        map[typeof(StatefulSet)] = o => DefaultStatefulSet((StatefulSet)o);
        map[typeof(DaemonSet)] = o => DefaultDaemonSet((DaemonSet)o);
        map[typeof(Job)] = o => DefaultJob((Job)o);
        map[typeof(CronJob)] = o => DefaultCronJob((CronJob)o);
        map[typeof(HorizontalPodAutoscaler)] = o => DefaultHorizontalPodAutoscaler((HorizontalPodAutoscaler)o);
        map[typeof(RoleBinding)] = o => DefaultRoleBinding((RoleBinding)o);
        map[typeof(ClusterRoleBinding)] = o => DefaultClusterRoleBinding((ClusterRoleBinding)o);
    }

    /// <summary>Defaults a ReplicaSet's pod template.</summary>
    public static ReplicaSet DefaultReplicaSet(ReplicaSet rs)
    {
        var template = CoreDefaults.DefaultPodTemplate(rs.Spec.Template);
        return ReferenceEquals(template, rs.Spec.Template) ? rs : rs with { Spec = rs.Spec with { Template = template } };
    }

    /// <summary>
    /// Defaults a Deployment: an empty strategy type to <c>RollingUpdate</c>, and for <c>RollingUpdate</c> a missing
    /// <c>rollingUpdate</c> to 25% / 25%; then the pod template.
    /// </summary>
    public static Deployment DefaultDeployment(Deployment deployment)
    {
        var spec = deployment.Spec;
        var strategy = spec.Strategy;
        if (string.IsNullOrEmpty(strategy.Type)) strategy = strategy with { Type = DeploymentStrategyType.RollingUpdate };
        if (strategy is { Type: DeploymentStrategyType.RollingUpdate, RollingUpdate: null }) strategy = strategy with { RollingUpdate = new() };
        if (!ReferenceEquals(strategy, spec.Strategy)) spec = spec with { Strategy = strategy };
        var template = CoreDefaults.DefaultPodTemplate(spec.Template);
        if (!ReferenceEquals(template, spec.Template)) spec = spec with { Template = template };
        return ReferenceEquals(spec, deployment.Spec) ? deployment : deployment with { Spec = spec };
    }

    /// <summary>
    /// Defaults a StatefulSet: empty policy and strategy types, <c>rollingUpdate.partition: 0</c> for
    /// <c>RollingUpdate</c>, empty claim retention policies to <c>Retain</c>; then the pod template and the claim templates.
    /// </summary>
    /// <remarks>
    /// Kubernetes adds <c>rollingUpdate</c> only when it also had to default the type; here a <c>RollingUpdate</c>
    /// strategy always gets one, which means the same (partition 0).
    /// </remarks>
    public static StatefulSet DefaultStatefulSet(StatefulSet set)
    {
        var spec = set.Spec;
        if (string.IsNullOrEmpty(spec.PodManagementPolicy)) spec = spec with { PodManagementPolicy = PodManagementPolicy.OrderedReady };
        var strategy = spec.UpdateStrategy;
        if (string.IsNullOrEmpty(strategy.Type)) strategy = strategy with { Type = StatefulSetUpdateStrategyType.RollingUpdate };
        if (strategy is { Type: StatefulSetUpdateStrategyType.RollingUpdate, RollingUpdate: null }) strategy = strategy with { RollingUpdate = new() };
        if (!ReferenceEquals(strategy, spec.UpdateStrategy)) spec = spec with { UpdateStrategy = strategy };
        var retention = spec.PersistentVolumeClaimRetentionPolicy;
        if (string.IsNullOrEmpty(retention.WhenDeleted)) retention = retention with { WhenDeleted = PersistentVolumeClaimRetentionPolicyType.Retain };
        if (string.IsNullOrEmpty(retention.WhenScaled)) retention = retention with { WhenScaled = PersistentVolumeClaimRetentionPolicyType.Retain };
        if (!ReferenceEquals(retention, spec.PersistentVolumeClaimRetentionPolicy)) spec = spec with { PersistentVolumeClaimRetentionPolicy = retention };
        var template = CoreDefaults.DefaultPodTemplate(spec.Template);
        if (!ReferenceEquals(template, spec.Template)) spec = spec with { Template = template };
        var claims = DefaultEach(spec.VolumeClaimTemplates, CoreDefaults.DefaultPersistentVolumeClaim);
        if (!ReferenceEquals(claims, spec.VolumeClaimTemplates)) spec = spec with { VolumeClaimTemplates = claims };
        return ReferenceEquals(spec, set.Spec) ? set : set with { Spec = spec };
    }

    /// <summary>
    /// Defaults a DaemonSet: an empty strategy type to <c>RollingUpdate</c>, and for <c>RollingUpdate</c> a missing
    /// <c>rollingUpdate</c> to maxUnavailable 1, maxSurge 0; then the pod template.
    /// </summary>
    public static DaemonSet DefaultDaemonSet(DaemonSet set)
    {
        var spec = set.Spec;
        var strategy = spec.UpdateStrategy;
        if (string.IsNullOrEmpty(strategy.Type)) strategy = strategy with { Type = DaemonSetUpdateStrategyType.RollingUpdate };
        if (strategy is { Type: DaemonSetUpdateStrategyType.RollingUpdate, RollingUpdate: null }) strategy = strategy with { RollingUpdate = new() };
        if (!ReferenceEquals(strategy, spec.UpdateStrategy)) spec = spec with { UpdateStrategy = strategy };
        var template = CoreDefaults.DefaultPodTemplate(spec.Template);
        if (!ReferenceEquals(template, spec.Template)) spec = spec with { Template = template };
        return ReferenceEquals(spec, set.Spec) ? set : set with { Spec = spec };
    }

    /// <summary>
    /// Defaults a Job as Kubernetes' API server does on create: the JobSpec defaults, <c>metadata.labels</c> from the
    /// template when the Job has none, and the generated selector and pod labels.
    /// </summary>
    /// <remarks>
    /// The selector is generated only when the Job has a UID (the store assigns it on create), has no selector and
    /// <c>manualSelector</c> is not true: <c>batch.kubernetes.io/controller-uid=&lt;uid&gt;</c>, with the controller-uid
    /// and job-name labels (prefixed and legacy) added to the template.
    /// </remarks>
    public static Job DefaultJob(Job job)
    {
        var spec = DefaultJobSpec(job.Spec);
        var metadata = job.Metadata;
        if (metadata.Uid is { Length: > 0 } uid && spec.Selector is null && spec.ManualSelector != true)
        {
            var name = metadata.Name ?? "";
            var labels = spec.Template.Metadata.Labels.ToImmutableDictionary();
            labels = AddIfAbsent(labels, WellKnownLabels.LegacyJobName, name);
            labels = AddIfAbsent(labels, WellKnownLabels.JobName, name);
            labels = AddIfAbsent(labels, WellKnownLabels.LegacyControllerUid, uid);
            labels = AddIfAbsent(labels, WellKnownLabels.JobControllerUid, uid);
            spec = spec with
            {
                Selector = new LabelSelector { MatchLabels = ImmutableDictionary<string, string>.Empty.Add(WellKnownLabels.JobControllerUid, uid) },
                Template = spec.Template with { Metadata = spec.Template.Metadata with { Labels = labels } },
            };
        }
        if (metadata.Labels.Count == 0 && spec.Template.Metadata.Labels.Count > 0)
        {
            metadata = metadata with { Labels = spec.Template.Metadata.Labels };
        }
        if (ReferenceEquals(spec, job.Spec) && ReferenceEquals(metadata, job.Metadata)) return job;
        return job with { Metadata = metadata, Spec = spec };
    }

    /// <summary>
    /// The JobSpec defaults: <c>completions</c> and <c>parallelism</c> to 1 when both are unset (only
    /// <c>parallelism</c> when <c>completions</c> is set; <c>completions</c> stays unset when only <c>parallelism</c> is),
    /// <c>backoffLimit</c> 6, <c>completionMode</c> NonIndexed, <c>suspend</c> false, <c>podReplacementPolicy</c>
    /// (<c>Failed</c> with a pod failure policy, else <c>TerminatingOrFailed</c>); then the pod template.
    /// </summary>
    public static JobSpec DefaultJobSpec(JobSpec spec)
    {
        var result = spec;
        if (spec.Completions is null && spec.Parallelism is null) result = result with { Completions = 1, Parallelism = 1 };
        else if (spec.Parallelism is null) result = result with { Parallelism = 1 };
        if (spec.BackoffLimit is null)
        {
            result = result with { BackoffLimit = spec.BackoffLimitPerIndex is null ? DefaultBackoffLimit : int.MaxValue };
        }
        if (string.IsNullOrEmpty(spec.CompletionMode)) result = result with { CompletionMode = JobCompletionMode.NonIndexed };
        if (spec.Suspend is null) result = result with { Suspend = false };
        if (string.IsNullOrEmpty(spec.PodReplacementPolicy))
        {
            result = result with
            {
                PodReplacementPolicy = spec.PodFailurePolicy is null ? JobPodReplacementPolicy.TerminatingOrFailed : JobPodReplacementPolicy.Failed,
            };
        }
        var template = CoreDefaults.DefaultPodTemplate(spec.Template);
        if (!ReferenceEquals(template, spec.Template)) result = result with { Template = template };
        return result;
    }

    /// <summary>
    /// Defaults a CronJob: an empty concurrency policy to <c>Allow</c>, and the job template's pod template. As in
    /// Kubernetes, the job template's own JobSpec fields stay unset; they are defaulted on each created Job.
    /// </summary>
    public static CronJob DefaultCronJob(CronJob cronJob)
    {
        var spec = cronJob.Spec;
        if (string.IsNullOrEmpty(spec.ConcurrencyPolicy)) spec = spec with { ConcurrencyPolicy = ConcurrencyPolicy.Allow };
        var jobSpec = spec.JobTemplate.Spec;
        var template = CoreDefaults.DefaultPodTemplate(jobSpec.Template);
        if (!ReferenceEquals(template, jobSpec.Template))
        {
            spec = spec with { JobTemplate = spec.JobTemplate with { Spec = jobSpec with { Template = template } } };
        }
        return ReferenceEquals(spec, cronJob.Spec) ? cronJob : cronJob with { Spec = spec };
    }

    // A label the user already set wins; validation then reports a selector that does not match.
    private static ImmutableDictionary<string, string> AddIfAbsent(ImmutableDictionary<string, string> labels, string key, string value) =>
        labels.ContainsKey(key) ? labels : labels.Add(key, value);

    /// <summary>Applies <paramref name="apply"/> to each item; returns <paramref name="items"/> itself when none changed.</summary>
    private static IReadOnlyList<T> DefaultEach<T>(IReadOnlyList<T> items, Func<T, T> apply) where T : class
    {
        T[]? result = null;
        for (var i = 0; i < items.Count; i++)
        {
            var defaulted = apply(items[i]);
            if (ReferenceEquals(defaulted, items[i])) continue;
            result ??= [.. items];
            result[i] = defaulted;
        }
        return result ?? items;
    }
}
