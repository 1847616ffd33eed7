namespace Orchestrator.Api.Validation;

// The apps/v1 rules: ReplicaSet, Deployment, StatefulSet, DaemonSet and ControllerRevision.
internal static partial class WorkloadValidation
{
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
        // Containers may mount the claim templates by name (the controller adds those volumes to each pod), as in Kubernetes.
        ValidateSelectorAndTemplate(spec.Selector, WithClaimTemplateVolumes(spec), "statefulset", errors);
        ValidateLongRunningTemplate(spec.Template, "StatefulSet", errors);
        for (var i = 0; i < spec.VolumeClaimTemplates.Count; i++)
        {
            var name = spec.VolumeClaimTemplates[i].Metadata.Name;
            var path = $"spec.volumeClaimTemplates[{i}].metadata.name";
            if (string.IsNullOrEmpty(name)) errors.Required(path);
            else if (NameRules.IsDns1123Subdomain(name) is { } message) Invalid(errors, path, name, message);
        }
    }

    /// <summary>The template with a volume for each claim template it does not already have a volume for (added by W2).</summary>
    private static PodTemplateSpec WithClaimTemplateVolumes(StatefulSetSpec spec)
    {
        var missing = spec.VolumeClaimTemplates
            .Select(t => t.Metadata.Name)
            .Where(name => !string.IsNullOrEmpty(name) && spec.Template.Spec.Volumes.All(v => v.Name != name))
            .Select(name => new Volume { Name = name!, PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = name! } })
            .ToArray();
        return missing.Length == 0 ? spec.Template : spec.Template with { Spec = spec.Template.Spec with { Volumes = [.. spec.Template.Spec.Volumes, .. missing] } };
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
}
