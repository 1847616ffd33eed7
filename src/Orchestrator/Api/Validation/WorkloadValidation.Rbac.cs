namespace Orchestrator.Api.Validation;

// The rbac.authorization.k8s.io/v1 rules: roles and bindings.
internal static partial class WorkloadValidation
{
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
}
