using System.Text;
using System.Text.RegularExpressions;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Runtime;

namespace Orchestrator.NodeAgent;

/// <summary>
/// Builds a container's environment as the kubelet does: <c>envFrom</c> sources first (in order, keys prefixed, invalid
/// names skipped), then <c>env</c> (in order; literal values get <c>$(VAR)</c> expansion against what came before),
/// reading ConfigMaps and Secrets from the informer caches. Values from Secrets are marked sensitive and are never put
/// in messages.
/// </summary>
internal sealed partial class EnvironmentResolver(ILister<ConfigMap> configMaps, ILister<Secret> secrets)
{
    /// <summary>The result: variables in order (a later duplicate replaced the earlier one in place) and skipped keys.</summary>
    public sealed record Result(IReadOnlyList<ContainerEnvVar> Variables, IReadOnlyList<string> Warnings);

    /// <exception cref="ConfigResolutionException">A required ConfigMap, Secret or key is missing, or a field path is unsupported.</exception>
    public Result Resolve(PodContext context, Container container)
    {
        var ns = context.Namespace;
        var variables = new List<ContainerEnvVar>(container.Env.Count + 4);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        List<string>? warnings = null;

        void Set(string name, string value, bool sensitive)
        {
            var variable = new ContainerEnvVar(name, value, sensitive);
            if (index.TryGetValue(name, out var at)) variables[at] = variable;
            else
            {
                index[name] = variables.Count;
                variables.Add(variable);
            }
        }

        foreach (var source in container.EnvFrom)
        {
            var prefix = source.Prefix ?? "";
            List<string>? invalid = null;
            string description;
            if (source.ConfigMapRef is { } cmRef)
            {
                description = $"configMap {ns}/{cmRef.Name}";
                var cm = configMaps.Get(ns, cmRef.Name);
                if (cm is null)
                {
                    if (cmRef.Optional == true) continue;
                    throw new ConfigResolutionException($"configmap \"{cmRef.Name}\" not found", new("ConfigMap", ns, cmRef.Name));
                }
                foreach (var (key, value) in cm.Data.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    var name = prefix + key;
                    if (IsValidEnvName(name)) Set(name, value, false);
                    else (invalid ??= []).Add(name);
                }
            }
            else if (source.SecretRef is { } secretRef)
            {
                description = $"secret {ns}/{secretRef.Name}";
                var secret = secrets.Get(ns, secretRef.Name);
                if (secret is null)
                {
                    if (secretRef.Optional == true) continue;
                    throw new ConfigResolutionException($"secret \"{secretRef.Name}\" not found", new("Secret", ns, secretRef.Name));
                }
                foreach (var (key, value) in secret.Data.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    var name = prefix + key;
                    if (IsValidEnvName(name)) Set(name, Encoding.UTF8.GetString(value), true);
                    else (invalid ??= []).Add(name);
                }
            }
            else continue;
            if (invalid is not null)
            {
                (warnings ??= []).Add(
                    $"Keys [{string.Join(", ", invalid)}] from the EnvFrom {description} were skipped since they are considered invalid environment variable names.");
            }
        }

        foreach (var env in container.Env)
        {
            if (env.ValueFrom is null)
            {
                var sensitive = false;
                var value = VariableExpansion.Expand(env.Value ?? "", name =>
                {
                    if (!index.TryGetValue(name, out var at)) return null;
                    sensitive |= variables[at].Sensitive;
                    return variables[at].Value;
                });
                Set(env.Name, value, sensitive);
                continue;
            }
            var from = env.ValueFrom;
            if (from.FieldRef is { } fieldRef)
            {
                Set(env.Name, FieldValue(context, fieldRef.FieldPath), false);
            }
            else if (from.ResourceFieldRef is { } resourceRef)
            {
                Set(env.Name, ResourceValue(context, container, resourceRef), false);
            }
            else if (from.ConfigMapKeyRef is { } cmKey)
            {
                var cm = configMaps.Get(ns, cmKey.Name);
                if (cm is null)
                {
                    if (cmKey.Optional == true) continue;
                    throw new ConfigResolutionException($"configmap \"{cmKey.Name}\" not found", new("ConfigMap", ns, cmKey.Name));
                }
                if (!cm.Data.TryGetValue(cmKey.Key, out var value))
                {
                    if (cmKey.Optional == true) continue;
                    throw new ConfigResolutionException($"couldn't find key {cmKey.Key} in ConfigMap {ns}/{cmKey.Name}", new("ConfigMap", ns, cmKey.Name));
                }
                Set(env.Name, value, false);
            }
            else if (from.SecretKeyRef is { } secretKey)
            {
                var secret = secrets.Get(ns, secretKey.Name);
                if (secret is null)
                {
                    if (secretKey.Optional == true) continue;
                    throw new ConfigResolutionException($"secret \"{secretKey.Name}\" not found", new("Secret", ns, secretKey.Name));
                }
                if (!secret.Data.TryGetValue(secretKey.Key, out var bytes))
                {
                    if (secretKey.Optional == true) continue;
                    throw new ConfigResolutionException($"couldn't find key {secretKey.Key} in Secret {ns}/{secretKey.Name}", new("Secret", ns, secretKey.Name));
                }
                Set(env.Name, Encoding.UTF8.GetString(bytes), true);
            }
        }
        return new Result(variables, warnings ?? (IReadOnlyList<string>)[]);
    }

    /// <summary>The value of a downward API field path (env <c>fieldRef</c> and downward API volumes).</summary>
    /// <exception cref="ConfigResolutionException">The path is not supported.</exception>
    public static string FieldValue(PodContext context, string fieldPath)
    {
        var pod = context.Pod;
        switch (fieldPath)
        {
            case "metadata.name": return pod.Metadata.Name ?? "";
            case "metadata.namespace": return context.Namespace;
            case "metadata.uid": return pod.Metadata.Uid ?? "";
            case "metadata.labels": return FormatMap(pod.Metadata.Labels);
            case "metadata.annotations": return FormatMap(pod.Metadata.Annotations);
            case "spec.nodeName": return pod.Spec.NodeName ?? context.NodeName;
            case "spec.serviceAccountName": return pod.Spec.ServiceAccountName ?? pod.Spec.ServiceAccount ?? "default";
            case "status.hostIP": return context.HostIP;
            case "status.hostIPs": return context.HostIP;
            case "status.podIP": return context.PodIP;
            case "status.podIPs": return string.Join(',', context.PodIPs);
        }
        var match = SubscriptPath().Match(fieldPath);
        if (match.Success)
        {
            var map = match.Groups[1].Value == "labels" ? pod.Metadata.Labels : pod.Metadata.Annotations;
            return map.TryGetValue(match.Groups[2].Value, out var value) ? value : "";
        }
        throw new ConfigResolutionException($"unsupported fieldPath: {fieldPath}");
    }

    /// <summary>The value of a <c>resourceFieldRef</c>, rounded up in units of its divisor.</summary>
    /// <exception cref="ConfigResolutionException">The resource or container is unknown.</exception>
    public static string ResourceValue(PodContext context, Container? current, ResourceFieldSelector selector)
    {
        var container = selector.ContainerName is { Length: > 0 } name
            ? context.Pod.Spec.AllContainers().FirstOrDefault(c => c.Name == name)
            : current;
        if (container is null) throw new ConfigResolutionException($"resourceFieldRef: container \"{selector.ContainerName}\" not found");
        var dot = selector.Resource.IndexOf('.');
        if (dot < 0) throw new ConfigResolutionException($"unsupported resource: {selector.Resource}");
        var (which, resource) = (selector.Resource[..dot], selector.Resource[(dot + 1)..]);
        Quantity value = which switch
        {
            "limits" => container.GetLimit(resource) ?? context.NodeAllocatable.GetValueOrDefault(resource),
            "requests" => container.GetRequest(resource) ?? container.GetLimit(resource) ?? Quantity.Zero,
            _ => throw new ConfigResolutionException($"unsupported resource: {selector.Resource}"),
        };
        var divisor = selector.Divisor is { IsZero: false } d ? d : Quantity.FromUnits(1);
        var result = resource == ResourceName.Cpu
            ? Math.Ceiling((decimal)value.MilliValue / divisor.MilliValue)
            : Math.Ceiling(value.DecimalValue / divisor.DecimalValue);
        return ((long)result).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Kubernetes' C_IDENTIFIER-style rule for names imported by <c>envFrom</c>.</summary>
    public static bool IsValidEnvName(string name) => EnvName().IsMatch(name);

    private static string FormatMap(IReadOnlyDictionary<string, string> map) =>
        string.Join('\n', map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}=\"{kv.Value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n")}\""));

    [GeneratedRegex(@"^metadata\.(labels|annotations)\['([^']*)'\]$")]
    private static partial Regex SubscriptPath();

    [GeneratedRegex(@"^[-._a-zA-Z][-._a-zA-Z0-9]*$")]
    private static partial Regex EnvName();
}
