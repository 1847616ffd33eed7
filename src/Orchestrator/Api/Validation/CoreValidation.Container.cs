namespace Orchestrator.Api.Validation;

/// <summary>Validation of containers: ports, environment, resources, mounts, probes and lifecycle handlers.</summary>
internal static partial class CoreValidation
{
    private static readonly string[] EnvFieldPaths =
    [
        "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
        "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    ];

    private static readonly string[] ResourceFieldPaths =
    [
        "limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    ];

    private static void ValidateContainer(
        Container container, string path, bool isInit, PodSpec spec, HashSet<string> volumes, HashSet<string> names, ValidationErrors errors)
    {
        if (container.Name.Length == 0) errors.Required(path + ".name");
        else if (NameRules.IsDns1123Label(container.Name) is { } nameError) Invalid(errors, path + ".name", container.Name, nameError);
        else if (!names.Add(container.Name)) Duplicate(errors, path + ".name", container.Name);

        if (string.IsNullOrWhiteSpace(container.Image)) errors.Required(path + ".image");
        if (container.ImagePullPolicy is { Length: > 0 } pull && !PullPolicy.All.Contains(pull))
        {
            errors.NotSupported(path + ".imagePullPolicy", pull, PullPolicy.All);
        }
        if (!TerminationMessagePolicy.All.Contains(container.TerminationMessagePolicy))
        {
            errors.NotSupported(path + ".terminationMessagePolicy", container.TerminationMessagePolicy, TerminationMessagePolicy.All);
        }

        var sidecar = isInit && container.RestartPolicy == RestartPolicy.Always;
        if (container.RestartPolicy is { } restart)
        {
            if (!isInit) Forbidden(errors, path + ".restartPolicy", "may not be set for non-init containers");
            else if (restart != RestartPolicy.Always) errors.NotSupported(path + ".restartPolicy", restart, [RestartPolicy.Always]);
        }

        ValidatePorts(container.Ports, path + ".ports", spec.HostNetwork, errors);
        ValidateEnv(container, path, errors);
        ValidateResources(container.Resources, path + ".resources", errors);
        ValidateVolumeMounts(container.VolumeMounts, path + ".volumeMounts", volumes, errors);

        if (isInit && !sidecar)
        {
            if (container.LivenessProbe is not null) Forbidden(errors, path + ".livenessProbe", "may not be set for init containers without restartPolicy=Always");
            if (container.ReadinessProbe is not null) Forbidden(errors, path + ".readinessProbe", "may not be set for init containers without restartPolicy=Always");
            if (container.StartupProbe is not null) Forbidden(errors, path + ".startupProbe", "may not be set for init containers without restartPolicy=Always");
            if (container.Lifecycle is not null) Forbidden(errors, path + ".lifecycle", "may not be set for init containers without restartPolicy=Always");
        }
        else
        {
            ValidateProbe(container.LivenessProbe, path + ".livenessProbe", successMustBeOne: true, errors);
            ValidateProbe(container.ReadinessProbe, path + ".readinessProbe", successMustBeOne: false, errors);
            ValidateProbe(container.StartupProbe, path + ".startupProbe", successMustBeOne: true, errors);
            if (container.Lifecycle is { } lifecycle)
            {
                ValidateHandler(lifecycle.PostStart, path + ".lifecycle.postStart", errors);
                ValidateHandler(lifecycle.PreStop, path + ".lifecycle.preStop", errors);
            }
        }
    }

    private static void ValidatePorts(IReadOnlyList<ContainerPort> ports, string path, bool hostNetwork, ValidationErrors errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var p = $"{path}[{i}]";
            if (port.Name is { Length: > 0 } name)
            {
                if (IsValidPortName(name) is { } nameError) Invalid(errors, p + ".name", name, nameError);
                else if (!names.Add(name)) Duplicate(errors, p + ".name", name);
            }
            if (port.Port == 0) errors.Required(p + ".containerPort");
            else ValidatePortNumber(port.Port, p + ".containerPort", errors);
            if (port.HostPort != 0) ValidatePortNumber(port.HostPort, p + ".hostPort", errors);
            if (hostNetwork && port.HostPort != 0 && port.HostPort != port.Port)
            {
                Invalid(errors, p + ".containerPort", port.Port, "must match `hostPort` when `hostNetwork` is true");
            }
            if (port.Protocol.Length == 0) errors.Required(p + ".protocol");
            else if (!Protocol.All.Contains(port.Protocol)) errors.NotSupported(p + ".protocol", port.Protocol, Protocol.All);
        }
    }

    private static void ValidateEnv(Container container, string path, ValidationErrors errors)
    {
        for (var i = 0; i < container.Env.Count; i++)
        {
            var env = container.Env[i];
            var p = $"{path}.env[{i}]";
            if (env.Name.Length == 0) errors.Required(p + ".name");
            else if (IsEnvVarName(env.Name) is { } error) Invalid(errors, p + ".name", env.Name, error);
            if (env.ValueFrom is { } from)
            {
                if (!string.IsNullOrEmpty(env.Value))
                {
                    errors.Add(p + ".valueFrom", "Invalid value: \"\": may not be specified when `value` is not empty");
                }
                ValidateEnvVarSource(from, p + ".valueFrom", errors);
            }
        }
        for (var i = 0; i < container.EnvFrom.Count; i++)
        {
            var from = container.EnvFrom[i];
            var p = $"{path}.envFrom[{i}]";
            var count = (from.ConfigMapRef is null ? 0 : 1) + (from.SecretRef is null ? 0 : 1);
            if (count == 0) errors.Add(p, "Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`");
            else if (count > 1) errors.Add(p, "Invalid value: \"\": may not have more than one field specified at a time");
            if (from.ConfigMapRef is { Name.Length: 0 }) errors.Required(p + ".configMapRef.name");
            if (from.SecretRef is { Name.Length: 0 }) errors.Required(p + ".secretRef.name");
            if (from.Prefix is { Length: > 0 } prefix && IsEnvVarName(prefix) is { } error) Invalid(errors, p + ".prefix", prefix, error);
        }
    }

    private static void ValidateEnvVarSource(EnvVarSource source, string path, ValidationErrors errors)
    {
        var count = (source.FieldRef is null ? 0 : 1) + (source.ResourceFieldRef is null ? 0 : 1) +
                    (source.ConfigMapKeyRef is null ? 0 : 1) + (source.SecretKeyRef is null ? 0 : 1);
        if (count == 0)
        {
            errors.Add(path, "Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`");
            return;
        }
        if (count > 1)
        {
            errors.Add(path, "Invalid value: \"\": may not have more than one field specified at a time");
            return;
        }
        if (source.FieldRef is { } fieldRef)
        {
            var fieldPath = fieldRef.FieldPath;
            if (fieldPath.Length == 0) errors.Required(path + ".fieldRef.fieldPath");
            else if (!EnvFieldPaths.Contains(fieldPath) && !IsSubscriptedMetadataPath(fieldPath))
            {
                errors.NotSupported(path + ".fieldRef.fieldPath", fieldPath, [.. EnvFieldPaths, "metadata.annotations", "metadata.labels"]);
            }
        }
        if (source.ResourceFieldRef is { } resourceRef && !ResourceFieldPaths.Contains(resourceRef.Resource))
        {
            errors.NotSupported(path + ".resourceFieldRef.resource", resourceRef.Resource, ResourceFieldPaths);
        }
        if (source.ConfigMapKeyRef is { } cmRef)
        {
            if (cmRef.Name.Length == 0) errors.Required(path + ".configMapKeyRef.name");
            if (cmRef.Key.Length == 0) errors.Required(path + ".configMapKeyRef.key");
            else if (IsConfigMapKey(cmRef.Key) is { } error) Invalid(errors, path + ".configMapKeyRef.key", cmRef.Key, error);
        }
        if (source.SecretKeyRef is { } secretRef)
        {
            if (secretRef.Name.Length == 0) errors.Required(path + ".secretKeyRef.name");
            if (secretRef.Key.Length == 0) errors.Required(path + ".secretKeyRef.key");
            else if (IsConfigMapKey(secretRef.Key) is { } error) Invalid(errors, path + ".secretKeyRef.key", secretRef.Key, error);
        }
    }

    // metadata.labels['key'] and metadata.annotations['key'] select one label or annotation.
    private static bool IsSubscriptedMetadataPath(string fieldPath) =>
        (fieldPath.StartsWith("metadata.labels['", StringComparison.Ordinal) ||
         fieldPath.StartsWith("metadata.annotations['", StringComparison.Ordinal)) &&
        fieldPath.EndsWith("']", StringComparison.Ordinal);

    private static void ValidateResources(ResourceRequirements? resources, string path, ValidationErrors errors)
    {
        if (resources is null) return;
        foreach (var (name, limit) in resources.Limits)
        {
            if (limit < Quantity.Zero) Invalid(errors, $"{path}.limits[{name}]", limit.ToString(), "must be greater than or equal to 0");
        }
        foreach (var (name, request) in resources.Requests)
        {
            if (request < Quantity.Zero) Invalid(errors, $"{path}.requests[{name}]", request.ToString(), "must be greater than or equal to 0");
            if (resources.Limits.TryGetValue(name, out var limit) && request > limit)
            {
                Invalid(errors, $"{path}.requests", request.ToString(), $"must be less than or equal to {name} limit of {limit}");
            }
        }
    }

    private static void ValidateVolumeMounts(IReadOnlyList<VolumeMount> mounts, string path, HashSet<string> volumes, ValidationErrors errors)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < mounts.Count; i++)
        {
            var mount = mounts[i];
            var p = $"{path}[{i}]";
            if (mount.Name.Length == 0) errors.Required(p + ".name");
            else if (!volumes.Contains(mount.Name)) NotFound(errors, p + ".name", mount.Name);
            if (mount.MountPath.Length == 0) errors.Required(p + ".mountPath");
            else if (!paths.Add(mount.MountPath)) Invalid(errors, p + ".mountPath", mount.MountPath, "must be unique");
            if (mount.SubPath is { Length: > 0 } subPath)
            {
                if (subPath.StartsWith('/')) Invalid(errors, p + ".subPath", subPath, "must be a relative path");
                else if (subPath.Split('/').Contains("..")) Invalid(errors, p + ".subPath", subPath, "must not contain '..'");
            }
        }
    }

    private static void ValidateProbe(Probe? probe, string path, bool successMustBeOne, ValidationErrors errors)
    {
        if (probe is null) return;
        var handlers = probe.HandlerCount;
        if (handlers == 0) errors.Add(path, "Required value: must specify a handler type");
        else if (handlers > 1) Forbidden(errors, path, "may not specify more than 1 handler type");
        ValidateHttpGet(probe.HttpGet, path + ".httpGet", errors);
        if (probe.TcpSocket is { } tcp) ValidatePortNumberOrName(tcp.Port, path + ".tcpSocket.port", errors);
        if (probe.Grpc is { } grpc) ValidatePortNumber(grpc.Port, path + ".grpc.port", errors);
        if (probe.Exec is { Command.Count: 0 }) errors.Required(path + ".exec.command");

        NonNegative(errors, path + ".initialDelaySeconds", probe.InitialDelaySeconds);
        Positive(errors, path + ".timeoutSeconds", probe.TimeoutSeconds);
        Positive(errors, path + ".periodSeconds", probe.PeriodSeconds);
        Positive(errors, path + ".successThreshold", probe.SuccessThreshold);
        Positive(errors, path + ".failureThreshold", probe.FailureThreshold);
        if (successMustBeOne && probe.SuccessThreshold != 1) Invalid(errors, path + ".successThreshold", probe.SuccessThreshold, "must be 1");
        if (probe.TerminationGracePeriodSeconds is <= 0)
        {
            Invalid(errors, path + ".terminationGracePeriodSeconds", probe.TerminationGracePeriodSeconds.Value, "must be greater than 0");
        }
    }

    private static void ValidateHandler(LifecycleHandler? handler, string path, ValidationErrors errors)
    {
        if (handler is null) return;
        var handlers = handler.HandlerCount;
        if (handlers == 0) errors.Add(path, "Required value: must specify a handler type");
        else if (handlers > 1) Forbidden(errors, path, "may not specify more than 1 handler type");
        ValidateHttpGet(handler.HttpGet, path + ".httpGet", errors);
        if (handler.TcpSocket is { } tcp) ValidatePortNumberOrName(tcp.Port, path + ".tcpSocket.port", errors);
        if (handler.Exec is { Command.Count: 0 }) errors.Required(path + ".exec.command");
        if (handler.Sleep is { Seconds: < 0 }) Invalid(errors, path + ".sleep.seconds", handler.Sleep.Seconds, "must be greater than or equal to 0");
    }

    private static void ValidateHttpGet(HttpGetAction? httpGet, string path, ValidationErrors errors)
    {
        if (httpGet is null) return;
        ValidatePortNumberOrName(httpGet.Port, path + ".port", errors);
        if (httpGet.Scheme is not ("HTTP" or "HTTPS")) errors.NotSupported(path + ".scheme", httpGet.Scheme, ["HTTP", "HTTPS"]);
    }

    private static void ValidatePortNumber(int port, string path, ValidationErrors errors)
    {
        if (port is < 1 or > 65535) Invalid(errors, path, port, "must be between 1 and 65535, inclusive");
    }

    private static void ValidatePortNumberOrName(IntOrString port, string path, ValidationErrors errors)
    {
        if (port.IsInt) ValidatePortNumber(port.IntValue, path, errors);
        else if (IsValidPortName(port.StringValue!) is { } error) Invalid(errors, path, port.StringValue, error);
    }

    /// <summary>
    /// A port name (IANA_SVC_NAME): at most 15 lower-case alphanumerics and '-', with at least one letter,
    /// starting and ending with an alphanumeric and without '--'; null when valid, otherwise the reason.
    /// </summary>
    internal static string? IsValidPortName(string name)
    {
        if (name.Length is 0 or > 15) return "must be no more than 15 characters";
        var hasLetter = false;
        foreach (var c in name)
        {
            if (char.IsAsciiLetterLower(c)) hasLetter = true;
            else if (!char.IsAsciiDigit(c) && c != '-') return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
        }
        if (name.Contains("--", StringComparison.Ordinal)) return "must not contain consecutive hyphens";
        if (name[0] == '-' || name[^1] == '-') return "must not begin or end with a hyphen";
        return hasLetter ? null : "must contain at least one letter (a-z)";
    }

    /// <summary>
    /// An environment variable name: <c>[-._a-zA-Z][-._a-zA-Z0-9]*</c>; null when valid, otherwise the reason.
    /// </summary>
    internal static string? IsEnvVarName(string name)
    {
        var valid = name.Length > 0 && !char.IsAsciiDigit(name[0]) &&
                    name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');
        return valid
            ? null
            : "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit " +
              "(e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";
    }

    private static void Positive(ValidationErrors errors, string path, long value)
    {
        if (value < 1) Invalid(errors, path, value, "must be greater than or equal to 1");
    }
}
