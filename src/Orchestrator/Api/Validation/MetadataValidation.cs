namespace Orchestrator.Api.Validation;

/// <summary>
/// Kubernetes' <c>ValidateObjectMeta</c>: the metadata rules every kind shares, plus the label and label-selector
/// checks that kind validators reuse for pod templates and <c>spec.selector</c>.
/// </summary>
internal static class MetadataValidation
{
    /// <summary>
    /// Adds an error to <paramref name="errors"/> for each problem with <paramref name="meta"/>: a missing or malformed
    /// name (or generateName prefix), a namespace missing on a namespaced kind or present on a cluster-scoped one,
    /// invalid label keys or values, invalid or oversized annotations, incomplete owner references, more than one
    /// controller reference, and finalizers that are not qualified names. Fields are named <c>metadata.*</c>.
    /// </summary>
    public static void Validate(ObjectMeta meta, ResourceKind kind, ValidationErrors errors)
    {
        var nameRule = NameRuleFor(kind);
        if (!string.IsNullOrEmpty(meta.GenerateName) && nameRule(MaskTrailingDash(meta.GenerateName)) is { } prefixError)
        {
            errors.Add("metadata.generateName", Invalid(meta.GenerateName, prefixError));
        }
        if (string.IsNullOrEmpty(meta.Name))
        {
            if (string.IsNullOrEmpty(meta.GenerateName)) errors.Add("metadata.name", "Required value: name or generateName is required");
        }
        else if (nameRule(meta.Name) is { } nameError)
        {
            errors.Add("metadata.name", Invalid(meta.Name, nameError));
        }

        if (kind.Namespaced)
        {
            if (string.IsNullOrEmpty(meta.Namespace)) errors.Required("metadata.namespace");
            else if (NameRules.IsDns1123Label(meta.Namespace) is { } namespaceError) errors.Add("metadata.namespace", Invalid(meta.Namespace, namespaceError));
        }
        else if (!string.IsNullOrEmpty(meta.Namespace))
        {
            errors.Add("metadata.namespace", "Forbidden: not allowed on this type");
        }

        ValidateLabels(meta.Labels, "metadata.labels", errors);
        ValidateAnnotations(meta.Annotations, "metadata.annotations", errors);
        ValidateOwnerReferences(meta.OwnerReferences, errors);
        for (var i = 0; i < meta.Finalizers.Count; i++)
        {
            if (NameRules.IsQualifiedName(meta.Finalizers[i]) is { } finalizerError)
            {
                errors.Add($"metadata.finalizers[{i}]", Invalid(meta.Finalizers[i], finalizerError));
            }
        }
    }

    /// <summary>Kubernetes' <c>ValidateLabels</c>: every key a qualified name, every value a valid label value.</summary>
    public static void ValidateLabels(IReadOnlyDictionary<string, string> labels, string field, ValidationErrors errors)
    {
        foreach (var (key, value) in labels)
        {
            if (NameRules.IsQualifiedName(key) is { } keyError) errors.Add(field, Invalid(key, keyError));
            if (NameRules.IsValidLabelValue(value) is { } valueError) errors.Add(field, Invalid(value, valueError));
        }
    }

    /// <summary>Kubernetes' <c>ValidateAnnotations</c>: every key a qualified name (case-insensitively), total size at most 256 KiB.</summary>
    public static void ValidateAnnotations(IReadOnlyDictionary<string, string> annotations, string field, ValidationErrors errors)
    {
        foreach (var key in annotations.Keys)
        {
            if (NameRules.IsQualifiedName(key.ToLowerInvariant()) is { } keyError) errors.Add(field, Invalid(key, keyError));
        }
        if (NameRules.IsValidAnnotations(annotations) is { } sizeError) errors.Add(field, sizeError);
    }

    /// <summary>
    /// Kubernetes' <c>ValidateLabelSelector</c> for a selector at <paramref name="field"/> (for example <c>spec.selector</c>):
    /// valid <c>matchLabels</c>, and for each <c>matchExpressions[i]</c> a qualified key, a known operator, values
    /// present exactly when the operator is <c>In</c> or <c>NotIn</c>, and valid label values. A null selector is not an error here.
    /// </summary>
    public static void ValidateLabelSelector(LabelSelector? selector, string field, ValidationErrors errors)
    {
        if (selector is null) return;
        ValidateLabels(selector.MatchLabels, $"{field}.matchLabels", errors);
        for (var i = 0; i < selector.MatchExpressions.Count; i++)
        {
            var expression = selector.MatchExpressions[i];
            var path = $"{field}.matchExpressions[{i}]";
            switch (expression.Operator)
            {
                case LabelSelectorOperator.In or LabelSelectorOperator.NotIn:
                    if (expression.Values.Count == 0)
                    {
                        errors.Add($"{path}.values", "Required value: must be specified when `operator` is 'In' or 'NotIn'");
                    }
                    break;
                case LabelSelectorOperator.Exists or LabelSelectorOperator.DoesNotExist:
                    if (expression.Values.Count > 0)
                    {
                        errors.Add($"{path}.values", "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    }
                    break;
                default:
                    errors.NotSupported($"{path}.operator", expression.Operator, LabelSelectorOperator.All);
                    break;
            }
            if (NameRules.IsQualifiedName(expression.Key) is { } keyError) errors.Add($"{path}.key", Invalid(expression.Key, keyError));
            for (var j = 0; j < expression.Values.Count; j++)
            {
                if (NameRules.IsValidLabelValue(expression.Values[j]) is { } valueError)
                {
                    errors.Add($"{path}.values[{j}]", Invalid(expression.Values[j], valueError));
                }
            }
        }
    }

    /// <summary>Formats Kubernetes' <c>field.Invalid</c> reason: <c>Invalid value: "x": reason</c>.</summary>
    public static string Invalid(string value, string reason) => $"Invalid value: \"{value}\": {reason}";

    private static Func<string, string?> NameRuleFor(ResourceKind kind) => kind.Kind switch
    {
        "Namespace" => NameRules.IsDns1123Label,
        "Service" => NameRules.IsDns1035Label,
        "Role" or "RoleBinding" or "ClusterRole" or "ClusterRoleBinding" => NameRules.IsPathSegmentName,
        _ => NameRules.IsDns1123Subdomain,
    };

    // A generateName prefix may end in '-'; Kubernetes validates it with the dash replaced by a letter.
    private static string MaskTrailingDash(string prefix) =>
        prefix.Length > 1 && prefix[^1] == '-' ? prefix[..^1] + "a" : prefix;

    private static void ValidateOwnerReferences(IReadOnlyList<OwnerReference> references, ValidationErrors errors)
    {
        var controllers = new List<string>();
        for (var i = 0; i < references.Count; i++)
        {
            var reference = references[i];
            var path = $"metadata.ownerReferences[{i}]";
            var slash = reference.ApiVersion.LastIndexOf('/');
            var version = slash < 0 ? reference.ApiVersion : reference.ApiVersion[(slash + 1)..];
            if (version.Length == 0) errors.Add($"{path}.apiVersion", Invalid(reference.ApiVersion, "version must not be empty"));
            if (reference.Kind.Length == 0) errors.Add($"{path}.kind", Invalid(reference.Kind, "must not be empty"));
            if (reference.Name.Length == 0) errors.Add($"{path}.name", Invalid(reference.Name, "must not be empty"));
            if (reference.Uid.Length == 0) errors.Add($"{path}.uid", Invalid(reference.Uid, "must not be empty"));
            if (reference.Controller == true) controllers.Add($"{reference.Kind}/{reference.Name}");
        }
        if (controllers.Count > 1)
        {
            errors.Add("metadata.ownerReferences",
                $"Invalid value: Only one reference can have Controller set to true. Found \"true\" in references for {string.Join(" and ", controllers)}");
        }
    }
}
