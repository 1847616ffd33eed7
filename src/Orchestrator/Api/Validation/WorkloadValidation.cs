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
/// (<c>-1</c>, <c>"x"</c>, <c>map[string]string{"app":"web"}</c>) and as JSON for API structures.
/// This file registers the kinds and holds the shared rules; each API group's rules are in <c>WorkloadValidation.&lt;Group&gt;.cs</c>.
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
        MetadataValidation.ValidateLabelSelector(selector, path, errors);
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
