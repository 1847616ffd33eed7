using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Api.Validation;

/// <summary>
/// Validation rules of the core/v1 kinds, after Kubernetes' <c>pkg/apis/core/validation</c>: field paths in
/// Kubernetes form (<c>spec.containers[0].image</c>) and reasons in Kubernetes' wording
/// (<c>Required value</c>, <c>Invalid value: ...</c>, <c>Unsupported value: ...</c>, <c>Duplicate value: ...</c>).
/// </summary>
/// <remarks>
/// The rules for pod specs live in <c>CoreValidation.Pod.cs</c>, <c>.Container.cs</c> and <c>.Scheduling.cs</c>,
/// those for services and endpoints in <c>CoreValidation.Service.cs</c>; this file holds the registration,
/// the other kinds and the shared helpers.
/// Metadata is validated separately by <see cref="MetadataValidation"/>.
/// </remarks>
internal static partial class CoreValidation
{
    /// <summary>The largest total size of a ConfigMap's or Secret's data: 1 MiB.</summary>
    public const int MaxDataSizeBytes = 1024 * 1024;

    /// <summary>Adds the validator of every core/v1 kind to <paramref name="map"/>.</summary>
    public static void Register(Dictionary<Type, Action<KubernetesObject, ValidationErrors>> map)
    {
        map[typeof(Pod)] = (o, e) => ValidatePodSpec(((Pod)o).Spec, "spec", e);
        map[typeof(ReplicationController)] = (o, e) => ValidateReplicationController((ReplicationController)o, e);
        map[typeof(Service)] = (o, e) => ValidateService((Service)o, e);
        map[typeof(Endpoints)] = (o, e) => ValidateEndpoints((Endpoints)o, e);
        map[typeof(ConfigMap)] = (o, e) => ValidateConfigMap((ConfigMap)o, e);
        map[typeof(Secret)] = (o, e) => ValidateSecret((Secret)o, e);
        map[typeof(Node)] = (o, e) => ValidateNode((Node)o, e);
        map[typeof(PersistentVolume)] = (o, e) => ValidatePersistentVolume((PersistentVolume)o, e);
        map[typeof(PersistentVolumeClaim)] = (o, e) => ValidatePersistentVolumeClaim((PersistentVolumeClaim)o, e);
        map[typeof(ResourceQuota)] = (o, e) => ValidateResourceQuota((ResourceQuota)o, e);
        map[typeof(Event)] = (o, e) => ValidateEvent((Event)o, e);
    }

    private static void ValidateReplicationController(ReplicationController rc, ValidationErrors errors)
    {
        var spec = rc.Spec;
        NonNegative(errors, "spec.replicas", spec.Replicas);
        NonNegative(errors, "spec.minReadySeconds", spec.MinReadySeconds);
        if (spec.Selector.Count == 0) errors.Required("spec.selector");
        else MetadataValidation.ValidateLabels(spec.Selector, "spec.selector", errors);

        var labels = spec.Template.Metadata.Labels;
        if (spec.Selector.Count > 0 && !spec.Selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value))
        {
            Invalid(errors, "spec.template.metadata.labels", FormatMap(labels), "`selector` does not match template `labels`");
        }
        ValidatePodTemplate(spec.Template, "spec.template", errors);
        if (spec.Template.Spec.RestartPolicy != RestartPolicy.Always)
        {
            errors.NotSupported("spec.template.spec.restartPolicy", spec.Template.Spec.RestartPolicy, [RestartPolicy.Always]);
        }
        if (spec.Template.Spec.ActiveDeadlineSeconds is not null)
        {
            Forbidden(errors, "spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in ReplicationController is not Supported");
        }
    }

    private static void ValidateConfigMap(ConfigMap cm, ValidationErrors errors)
    {
        long size = 0;
        foreach (var (key, value) in cm.Data)
        {
            ValidateDataKey(key, "data", errors);
            size += key.Length + value.Length;
        }
        foreach (var (key, value) in cm.BinaryData)
        {
            ValidateDataKey(key, "binaryData", errors);
            if (cm.Data.ContainsKey(key)) Invalid(errors, "data", key, "duplicate of key present in binaryData");
            size += key.Length + value.Length;
        }
        if (size > MaxDataSizeBytes) errors.Add("", $"Too long: must have at most {MaxDataSizeBytes} bytes");
    }

    private static void ValidateSecret(Secret secret, ValidationErrors errors)
    {
        long size = 0;
        foreach (var (key, value) in secret.Data)
        {
            ValidateDataKey(key, "data", errors);
            size += value.Length;
        }
        foreach (var (key, value) in secret.StringData)
        {
            ValidateDataKey(key, "stringData", errors);
            size += value.Length;
        }
        if (size > MaxDataSizeBytes) Forbidden(errors, "data", $"Too long: must have at most {MaxDataSizeBytes} bytes");

        bool Has(string key) => secret.Data.ContainsKey(key) || secret.StringData.ContainsKey(key);
        switch (secret.Type)
        {
            case "":
                errors.Required("type");
                break;
            case SecretType.Tls:
                if (!Has("tls.crt")) errors.Required("data[tls.crt]");
                if (!Has("tls.key")) errors.Required("data[tls.key]");
                break;
            case SecretType.BasicAuth:
                if (!Has("username") && !Has("password")) errors.Required("data[username]");
                break;
            case SecretType.SshAuth:
                if (!Has("ssh-privatekey")) errors.Required("data[ssh-privatekey]");
                break;
            case SecretType.DockerConfigJson:
                if (!Has(".dockerconfigjson")) errors.Required("data[.dockerconfigjson]");
                break;
            case SecretType.DockerConfig:
                if (!Has(".dockercfg")) errors.Required("data[.dockercfg]");
                break;
            case SecretType.ServiceAccountToken:
                if (!secret.Metadata.Annotations.ContainsKey("kubernetes.io/service-account.name"))
                {
                    errors.Required("metadata.annotations[kubernetes.io/service-account.name]");
                }
                break;
        }
    }

    private static void ValidateNode(Node node, ValidationErrors errors)
    {
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < node.Spec.Taints.Count; i++)
        {
            var path = $"spec.taints[{i}]";
            var taint = node.Spec.Taints[i];
            ValidateLabelKey(taint.Key, path + ".key", errors);
            if (taint.Value is { Length: > 0 } value && NameRules.IsValidLabelValue(value) is { } valueError)
            {
                Invalid(errors, path + ".value", value, valueError);
            }
            if (string.IsNullOrEmpty(taint.Effect)) errors.Required(path + ".effect");
            else if (!TaintEffect.All.Contains(taint.Effect)) errors.NotSupported(path + ".effect", taint.Effect, TaintEffect.All);
            if (!seen.Add((taint.Key, taint.Effect)))
            {
                Duplicate(errors, path, $"{taint.Key}:{taint.Effect}");
            }
        }
    }

    private static void ValidatePersistentVolume(PersistentVolume pv, ValidationErrors errors)
    {
        var spec = pv.Spec;
        ValidateAccessModes(spec.AccessModes, "spec.accessModes", errors);
        if (!spec.Capacity.TryGetValue(ResourceName.Storage, out var storage)) errors.Required("spec.capacity");
        else if (storage.IsZero || storage < Quantity.Zero) Invalid(errors, "spec.capacity[storage]", storage.ToString(), "must be greater than zero");
        if (!PersistentVolumeReclaimPolicy.All.Contains(spec.PersistentVolumeReclaimPolicy))
        {
            errors.NotSupported("spec.persistentVolumeReclaimPolicy", spec.PersistentVolumeReclaimPolicy, PersistentVolumeReclaimPolicy.All);
        }
        var sources = (spec.HostPath is null ? 0 : 1) + (spec.Local is null ? 0 : 1);
        if (sources == 0) errors.Add("spec", "Required value: must specify a volume type");
        else if (sources > 1) Forbidden(errors, "spec", "may not specify more than 1 volume type");
        if (spec.HostPath is { Path.Length: 0 }) errors.Required("spec.hostPath.path");
        if (spec.Local is { } local)
        {
            if (local.Path.Length == 0) errors.Required("spec.local.path");
            if (spec.NodeAffinity?.Required is null) errors.Required("spec.nodeAffinity");
        }
        if (spec.NodeAffinity?.Required is { } required) ValidateNodeSelector(required, "spec.nodeAffinity.required", errors);
        ValidateVolumeMode(spec.VolumeMode, "spec.volumeMode", errors);
    }

    private static void ValidatePersistentVolumeClaim(PersistentVolumeClaim pvc, ValidationErrors errors)
    {
        var spec = pvc.Spec;
        ValidateAccessModes(spec.AccessModes, "spec.accessModes", errors);
        if (!spec.Resources.Requests.TryGetValue(ResourceName.Storage, out var storage))
        {
            errors.Required("spec.resources[storage]");
        }
        else if (storage.IsZero || storage < Quantity.Zero)
        {
            Invalid(errors, "spec.resources.requests[storage]", storage.ToString(), "must be greater than zero");
        }
        if (spec.Selector is not null) MetadataValidation.ValidateLabelSelector(spec.Selector, "spec.selector", errors);
        ValidateVolumeMode(spec.VolumeMode, "spec.volumeMode", errors);
    }

    private static void ValidateResourceQuota(ResourceQuota quota, ValidationErrors errors)
    {
        foreach (var (name, value) in quota.Spec.Hard)
        {
            if (value < Quantity.Zero) Invalid(errors, $"spec.hard[{name}]", value.ToString(), "must be greater than or equal to 0");
        }
    }

    private static void ValidateEvent(Event ev, ValidationErrors errors)
    {
        var ns = ev.Metadata.Namespace ?? "";
        var involved = ev.InvolvedObject.Namespace ?? "";
        if (involved.Length > 0 && involved != ns)
        {
            Invalid(errors, "involvedObject.namespace", involved, "does not match event.namespace");
        }
        if (ev.Type is { Length: > 0 } type && type is not (EventType.Normal or EventType.Warning))
        {
            errors.NotSupported("type", type, [EventType.Normal, EventType.Warning]);
        }
        if (ev.Count < 0) Invalid(errors, "count", ev.Count, "must be greater than or equal to 0");
    }

    private static void ValidateAccessModes(IReadOnlyList<string> modes, string path, ValidationErrors errors)
    {
        if (modes.Count == 0)
        {
            errors.Add(path, "Required value: at least 1 access mode is required");
            return;
        }
        foreach (var mode in modes)
        {
            if (!PersistentVolumeAccessMode.All.Contains(mode)) errors.NotSupported(path, mode, PersistentVolumeAccessMode.All);
        }
    }

    private static void ValidateVolumeMode(string mode, string path, ValidationErrors errors)
    {
        if (mode is not ("Filesystem" or "Block")) errors.NotSupported(path, mode, ["Block", "Filesystem"]);
    }

    /// <summary>A key of a ConfigMap or Secret: <c>[-._a-zA-Z0-9]+</c>, at most 253 characters, not <c>.</c> or <c>..</c> or starting with <c>..</c>.</summary>
    internal static string? IsConfigMapKey(string key)
    {
        if (key.Length == 0) return "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
        if (key.Length > NameRules.Dns1123SubdomainMaxLength) return $"must be no more than {NameRules.Dns1123SubdomainMaxLength} characters";
        foreach (var c in key)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_'))
            {
                return "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
            }
        }
        if (key == ".") return "must not be '.'";
        if (key == "..") return "must not be '..'";
        if (key.StartsWith("..", StringComparison.Ordinal)) return "must not start with '..'";
        return null;
    }

    private static void ValidateDataKey(string key, string path, ValidationErrors errors)
    {
        if (IsConfigMapKey(key) is { } error) Invalid(errors, path, key, error);
    }

    private static void ValidateLabelKey(string key, string path, ValidationErrors errors)
    {
        if (NameRules.IsQualifiedName(key) is { } error) Invalid(errors, path, key, error);
    }

    // Stricter than IPAddress.TryParse, which accepts legacy IPv4 forms such as "10.0.0" or "0x0a.0.0.1".
    private static bool IsIPAddress(string value)
    {
        if (value.Contains(':'))
        {
            return !value.Contains('%') && IPAddress.TryParse(value, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
        }
        var parts = value.Split('.');
        return parts.Length == 4 && parts.All(p =>
            p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0') && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }

    private static void NonNegative(ValidationErrors errors, string path, long value)
    {
        if (value < 0) Invalid(errors, path, value, "must be greater than or equal to 0");
    }

    /// <summary>Adds <c>Invalid value: value: detail</c>; strings are quoted and numbers bare, as in Kubernetes.</summary>
    private static void Invalid(ValidationErrors errors, string path, object? value, string detail) =>
        errors.Add(path, $"Invalid value: {FormatValue(value)}: {detail}");

    private static void Duplicate(ValidationErrors errors, string path, object? value) =>
        errors.Add(path, $"Duplicate value: {FormatValue(value)}");

    private static void NotFound(ValidationErrors errors, string path, object? value) =>
        errors.Add(path, $"Not found: {FormatValue(value)}");

    private static void Forbidden(ValidationErrors errors, string path, string detail) =>
        errors.Add(path, $"Forbidden: {detail}");

    private static string FormatValue(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        _ => $"\"{Convert.ToString(value, CultureInfo.InvariantCulture)}\"",
    };

    private static string FormatMap(IReadOnlyDictionary<string, string> map) =>
        "{" + string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}")) + "}";
}
