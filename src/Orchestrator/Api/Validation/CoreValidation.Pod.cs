namespace Orchestrator.Api.Validation;

/// <summary>Validation of pod templates, pod specs and volumes.</summary>
internal static partial class CoreValidation
{
    /// <summary>
    /// Validates a pod template: its labels and annotations and its pod spec (under <c>path.spec</c>).
    /// Workload kinds call this for <c>spec.template</c>; they check the selector against the labels themselves.
    /// </summary>
    public static void ValidatePodTemplate(PodTemplateSpec template, string path, ValidationErrors errors)
    {
        MetadataValidation.ValidateLabels(template.Metadata.Labels, path + ".metadata.labels", errors);
        MetadataValidation.ValidateAnnotations(template.Metadata.Annotations, path + ".metadata.annotations", errors);
        ValidatePodSpec(template.Spec, path + ".spec", errors);
    }

    /// <summary>
    /// Validates a pod spec whose fields are under <paramref name="path"/> (<c>spec</c> for a pod,
    /// <c>spec.template.spec</c> for a workload).
    /// </summary>
    public static void ValidatePodSpec(PodSpec spec, string path, ValidationErrors errors)
    {
        var volumes = ValidateVolumes(spec.Volumes, path + ".volumes", errors);
        if (spec.Containers.Count == 0) errors.Required(path + ".containers");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.InitContainers.Count; i++)
        {
            ValidateContainer(spec.InitContainers[i], $"{path}.initContainers[{i}]", isInit: true, spec, volumes, names, errors);
        }
        for (var i = 0; i < spec.Containers.Count; i++)
        {
            ValidateContainer(spec.Containers[i], $"{path}.containers[{i}]", isInit: false, spec, volumes, names, errors);
        }

        if (!RestartPolicy.All.Contains(spec.RestartPolicy)) errors.NotSupported(path + ".restartPolicy", spec.RestartPolicy, RestartPolicy.All);
        if (!DnsPolicy.All.Contains(spec.DnsPolicy)) errors.NotSupported(path + ".dnsPolicy", spec.DnsPolicy, DnsPolicy.All);
        if (spec.DnsPolicy == DnsPolicy.None && spec.DnsConfig is null)
        {
            errors.Add(path + ".dnsConfig", "Required value: must provide `dnsConfig` when `dnsPolicy` is None");
        }
        NonNegative(errors, path + ".terminationGracePeriodSeconds", spec.TerminationGracePeriodSeconds);
        if (spec.ActiveDeadlineSeconds is <= 0 or > int.MaxValue)
        {
            Invalid(errors, path + ".activeDeadlineSeconds", spec.ActiveDeadlineSeconds.Value, $"must be between 1 and {int.MaxValue}, inclusive");
        }
        MetadataValidation.ValidateLabels(spec.NodeSelector, path + ".nodeSelector", errors);
        if (spec.ServiceAccountName is { Length: > 0 } sa && NameRules.IsDns1123Subdomain(sa) is { } saError)
        {
            Invalid(errors, path + ".serviceAccountName", sa, saError);
        }
        if (spec.NodeName is { Length: > 0 } nodeName && NameRules.IsDns1123Subdomain(nodeName) is { } nodeError)
        {
            Invalid(errors, path + ".nodeName", nodeName, nodeError);
        }
        if (spec.Hostname is { Length: > 0 } hostname && NameRules.IsDns1123Label(hostname) is { } hostnameError)
        {
            Invalid(errors, path + ".hostname", hostname, hostnameError);
        }
        if (spec.Subdomain is { Length: > 0 } subdomain && NameRules.IsDns1123Label(subdomain) is { } subdomainError)
        {
            Invalid(errors, path + ".subdomain", subdomain, subdomainError);
        }
        for (var i = 0; i < spec.ImagePullSecrets.Count; i++)
        {
            if (spec.ImagePullSecrets[i].Name.Length == 0) errors.Required($"{path}.imagePullSecrets[{i}].name");
        }
        for (var i = 0; i < spec.Tolerations.Count; i++) ValidateToleration(spec.Tolerations[i], $"{path}.tolerations[{i}]", errors);
        if (spec.Affinity is { } affinity) ValidateAffinity(affinity, path + ".affinity", errors);
        for (var i = 0; i < spec.HostAliases.Count; i++)
        {
            if (!IsIPAddress(spec.HostAliases[i].Ip)) Invalid(errors, $"{path}.hostAliases[{i}].ip", spec.HostAliases[i].Ip, "must be a valid IP address");
        }
        for (var i = 0; i < spec.TopologySpreadConstraints.Count; i++)
        {
            var constraint = spec.TopologySpreadConstraints[i];
            var p = $"{path}.topologySpreadConstraints[{i}]";
            if (constraint.MaxSkew <= 0) Invalid(errors, p + ".maxSkew", constraint.MaxSkew, "must be greater than zero");
            if (constraint.TopologyKey.Length == 0) errors.Add(p + ".topologyKey", "Required value: can not be empty");
            if (constraint.WhenUnsatisfiable is not ("DoNotSchedule" or "ScheduleAnyway"))
            {
                errors.NotSupported(p + ".whenUnsatisfiable", constraint.WhenUnsatisfiable, ["DoNotSchedule", "ScheduleAnyway"]);
            }
        }
    }

    private static HashSet<string> ValidateVolumes(IReadOnlyList<Volume> volumes, string path, ValidationErrors errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < volumes.Count; i++)
        {
            var volume = volumes[i];
            var p = $"{path}[{i}]";
            if (volume.Name.Length == 0) errors.Required(p + ".name");
            else if (NameRules.IsDns1123Label(volume.Name) is { } nameError) Invalid(errors, p + ".name", volume.Name, nameError);
            else if (!names.Add(volume.Name)) Duplicate(errors, p + ".name", volume.Name);

            var sources = volume.SourceCount;
            if (sources == 0) errors.Add(p, "Required value: must specify a volume type");
            else if (sources > 1) Forbidden(errors, p, "may not specify more than 1 volume type");

            if (volume.HostPath is { } hostPath && hostPath.Path.Length == 0) errors.Required(p + ".hostPath.path");
            if (volume.ConfigMap is { } cm)
            {
                if (cm.Name.Length == 0) errors.Required(p + ".configMap.name");
                ValidateKeyToPaths(cm.Items, p + ".configMap.items", errors);
                ValidateMode(cm.DefaultMode, p + ".configMap.defaultMode", errors);
            }
            if (volume.Secret is { } secret)
            {
                if (string.IsNullOrEmpty(secret.SecretName)) errors.Required(p + ".secret.secretName");
                ValidateKeyToPaths(secret.Items, p + ".secret.items", errors);
                ValidateMode(secret.DefaultMode, p + ".secret.defaultMode", errors);
            }
            if (volume.PersistentVolumeClaim is { ClaimName.Length: 0 }) errors.Required(p + ".persistentVolumeClaim.claimName");
            if (volume.Projected is { } projected) ValidateMode(projected.DefaultMode, p + ".projected.defaultMode", errors);
            if (volume.DownwardAPI is { } downward)
            {
                ValidateMode(downward.DefaultMode, p + ".downwardAPI.defaultMode", errors);
                for (var j = 0; j < downward.Items.Count; j++)
                {
                    var item = downward.Items[j];
                    ValidateRelativePath(item.Path, $"{p}.downwardAPI.items[{j}].path", errors);
                    if ((item.FieldRef is null) == (item.ResourceFieldRef is null))
                    {
                        errors.Add($"{p}.downwardAPI.items[{j}]", "Invalid value: \"\": fieldRef and resourceFieldRef can not be specified simultaneously");
                    }
                }
            }
        }
        return names;
    }

    private static void ValidateKeyToPaths(IReadOnlyList<KeyToPath> items, string path, ValidationErrors errors)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Key.Length == 0) errors.Required($"{path}[{i}].key");
            ValidateRelativePath(items[i].Path, $"{path}[{i}].path", errors);
            ValidateMode(items[i].Mode, $"{path}[{i}].mode", errors);
        }
    }

    private static void ValidateRelativePath(string value, string path, ValidationErrors errors)
    {
        if (value.Length == 0) errors.Required(path);
        else if (value.StartsWith('/')) Invalid(errors, path, value, "must be a relative path");
        else if (value.Split('/').Contains("..")) Invalid(errors, path, value, "must not contain '..'");
    }

    private static void ValidateMode(int? mode, string path, ValidationErrors errors)
    {
        if (mode is < 0 or > 511) Invalid(errors, path, mode.Value, "must be a number between 0 and 0777 (octal), both inclusive");
    }
}
