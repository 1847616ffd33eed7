namespace Orchestrator.Api.Validation;

/// <summary>Validation of the scheduling fields of pod specs: tolerations and affinity.</summary>
internal static partial class CoreValidation
{
    private static void ValidateToleration(Toleration toleration, string path, ValidationErrors errors)
    {
        if (toleration.Key is { Length: > 0 } key) ValidateLabelKey(key, path + ".key", errors);
        var op = string.IsNullOrEmpty(toleration.Operator) ? TolerationOperator.Equal : toleration.Operator;
        if (string.IsNullOrEmpty(toleration.Key) && op != TolerationOperator.Exists)
        {
            Invalid(errors, path + ".operator", toleration.Operator ?? "",
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
        }
        if (!TolerationOperator.All.Contains(op))
        {
            errors.NotSupported(path + ".operator", op, TolerationOperator.All);
        }
        else if (op == TolerationOperator.Exists && !string.IsNullOrEmpty(toleration.Value))
        {
            Invalid(errors, path + ".operator", toleration.Operator, "value must be empty when `operator` is 'Exists'");
        }
        else if (op == TolerationOperator.Equal && toleration.Value is { Length: > 0 } value && NameRules.IsValidLabelValue(value) is { } error)
        {
            Invalid(errors, path + ".value", value, error);
        }
        if (toleration.Effect is { Length: > 0 } effect && !TaintEffect.All.Contains(effect))
        {
            errors.NotSupported(path + ".effect", effect, TaintEffect.All);
        }
        if (toleration.TolerationSeconds is not null && toleration.Effect != TaintEffect.NoExecute)
        {
            Invalid(errors, path + ".effect", toleration.Effect ?? "", "effect must be 'NoExecute' when `tolerationSeconds` is set");
        }
    }

    private static void ValidateAffinity(Affinity affinity, string path, ValidationErrors errors)
    {
        if (affinity.NodeAffinity is { } node)
        {
            var p = path + ".nodeAffinity";
            if (node.RequiredDuringSchedulingIgnoredDuringExecution is { } required)
            {
                ValidateNodeSelector(required, p + ".requiredDuringSchedulingIgnoredDuringExecution", errors);
            }
            for (var i = 0; i < node.PreferredDuringSchedulingIgnoredDuringExecution.Count; i++)
            {
                var term = node.PreferredDuringSchedulingIgnoredDuringExecution[i];
                var tp = $"{p}.preferredDuringSchedulingIgnoredDuringExecution[{i}]";
                ValidateWeight(term.Weight, tp + ".weight", errors);
                ValidateNodeSelectorTerm(term.Preference, tp + ".preference", errors);
            }
        }
        if (affinity.PodAffinity is { } podAffinity)
        {
            ValidatePodAffinityTerms(podAffinity.RequiredDuringSchedulingIgnoredDuringExecution,
                podAffinity.PreferredDuringSchedulingIgnoredDuringExecution, path + ".podAffinity", errors);
        }
        if (affinity.PodAntiAffinity is { } antiAffinity)
        {
            ValidatePodAffinityTerms(antiAffinity.RequiredDuringSchedulingIgnoredDuringExecution,
                antiAffinity.PreferredDuringSchedulingIgnoredDuringExecution, path + ".podAntiAffinity", errors);
        }
    }

    private static void ValidatePodAffinityTerms(
        IReadOnlyList<PodAffinityTerm> required, IReadOnlyList<WeightedPodAffinityTerm> preferred, string path, ValidationErrors errors)
    {
        for (var i = 0; i < required.Count; i++)
        {
            ValidatePodAffinityTerm(required[i], $"{path}.requiredDuringSchedulingIgnoredDuringExecution[{i}]", errors);
        }
        for (var i = 0; i < preferred.Count; i++)
        {
            var p = $"{path}.preferredDuringSchedulingIgnoredDuringExecution[{i}]";
            ValidateWeight(preferred[i].Weight, p + ".weight", errors);
            ValidatePodAffinityTerm(preferred[i].PodAffinityTerm, p + ".podAffinityTerm", errors);
        }
    }

    private static void ValidatePodAffinityTerm(PodAffinityTerm term, string path, ValidationErrors errors)
    {
        if (term.TopologyKey.Length == 0) errors.Add(path + ".topologyKey", "Required value: can not be empty");
        else ValidateLabelKey(term.TopologyKey, path + ".topologyKey", errors);
        if (term.LabelSelector is { } selector) MetadataValidation.ValidateLabelSelector(selector, path + ".labelSelector", errors);
        if (term.NamespaceSelector is { } nsSelector) MetadataValidation.ValidateLabelSelector(nsSelector, path + ".namespaceSelector", errors);
    }

    private static void ValidateNodeSelector(NodeSelector selector, string path, ValidationErrors errors)
    {
        if (selector.NodeSelectorTerms.Count == 0)
        {
            errors.Add(path + ".nodeSelectorTerms", "Required value: must have at least one node selector term");
        }
        for (var i = 0; i < selector.NodeSelectorTerms.Count; i++)
        {
            ValidateNodeSelectorTerm(selector.NodeSelectorTerms[i], $"{path}.nodeSelectorTerms[{i}]", errors);
        }
    }

    private static void ValidateNodeSelectorTerm(NodeSelectorTerm term, string path, ValidationErrors errors)
    {
        for (var i = 0; i < term.MatchExpressions.Count; i++)
        {
            var requirement = term.MatchExpressions[i];
            var p = $"{path}.matchExpressions[{i}]";
            ValidateLabelKey(requirement.Key, p + ".key", errors);
            ValidateNodeSelectorRequirement(requirement, p, errors);
        }
        for (var i = 0; i < term.MatchFields.Count; i++)
        {
            var requirement = term.MatchFields[i];
            var p = $"{path}.matchFields[{i}]";
            if (requirement.Key != "metadata.name") errors.NotSupported(p + ".key", requirement.Key, ["metadata.name"]);
            if (requirement.Operator is not (NodeSelectorOperator.In or NodeSelectorOperator.NotIn))
            {
                errors.NotSupported(p + ".operator", requirement.Operator, [NodeSelectorOperator.In, NodeSelectorOperator.NotIn]);
            }
            else if (requirement.Values.Count != 1)
            {
                errors.Add(p + ".values", "Required value: must be only one value when `operator` is 'In' or 'NotIn' for node field selector");
            }
        }
    }

    private static void ValidateNodeSelectorRequirement(NodeSelectorRequirement requirement, string path, ValidationErrors errors)
    {
        switch (requirement.Operator)
        {
            case NodeSelectorOperator.In or NodeSelectorOperator.NotIn:
                if (requirement.Values.Count == 0) errors.Add(path + ".values", "Required value: must be specified when `operator` is 'In' or 'NotIn'");
                break;
            case NodeSelectorOperator.Exists or NodeSelectorOperator.DoesNotExist:
                if (requirement.Values.Count > 0) Forbidden(errors, path + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                break;
            case NodeSelectorOperator.Gt or NodeSelectorOperator.Lt:
                if (requirement.Values.Count != 1 || !long.TryParse(requirement.Values[0], out _))
                {
                    errors.Add(path + ".values", "Required value: must be specified single value when `operator` is 'Lt' or 'Gt'");
                }
                break;
            default:
                Invalid(errors, path + ".operator", requirement.Operator, "not a valid selector operator");
                break;
        }
    }

    private static void ValidateWeight(int weight, string path, ValidationErrors errors)
    {
        if (weight is < 1 or > 100) Invalid(errors, path, weight, "must be in the range 1-100");
    }
}
