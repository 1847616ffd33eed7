using System.Collections.Immutable;
using Orchestrator.Api;
using static Orchestrator.Tests.Api.Workloads.WorkloadFixtures;

namespace Orchestrator.Tests.Api.Workloads;

public class RbacValidationTests
{
    private static IEnumerable<TestCaseData> InvalidObjects()
    {        // rbac.authorization.k8s.io/v1
        yield return Case("role rule without verbs", ValidRole with { Rules = [ReadPods with { Verbs = [] }] },
            "rules[0].verbs: Required value: verbs must contain at least one value");
        yield return Case("role non-resource URL", ValidRole with { Rules = [new PolicyRule { NonResourceURLs = ["/healthz"], Verbs = ["get"] }] },
            "rules[0].nonResourceURLs: Invalid value: []string{\"/healthz\"}: namespaced rules cannot apply to non-resource URLs");
        yield return Case("clusterrole rule without api groups", ValidClusterRole with { Rules = [ReadPods with { ApiGroups = [] }] },
            "rules[0].apiGroups: Required value: resource rules must supply at least one api group");
        yield return Case("clusterrole rule without resources", ValidClusterRole with { Rules = [ReadPods with { Resources = [] }] },
            "rules[0].resources: Required value: resource rules must supply at least one resource");
        yield return Case("clusterrole mixed rule", ValidClusterRole with { Rules = [ReadPods with { NonResourceURLs = ["/metrics"] }] },
            "rules[0].nonResourceURLs: Invalid value: []string{\"/metrics\"}: rules cannot apply to both regular resources and non-resource URLs");
        yield return Case("clusterrole empty aggregation", ValidClusterRole with { AggregationRule = new AggregationRule() },
            "aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil");
        yield return Case("rolebinding roleRef name missing", ValidRoleBinding with { RoleRef = ValidRoleBinding.RoleRef with { Name = "" } },
            "roleRef.name: Required value");
        yield return Case("rolebinding roleRef kind", ValidRoleBinding with { RoleRef = ValidRoleBinding.RoleRef with { Kind = "User" } },
            "roleRef.kind: Unsupported value: \"User\": supported values: \"Role\", \"ClusterRole\"");
        yield return Case("rolebinding roleRef group", ValidRoleBinding with { RoleRef = ValidRoleBinding.RoleRef with { ApiGroup = "example.com" } },
            "roleRef.apiGroup: Unsupported value: \"example.com\": supported values: \"rbac.authorization.k8s.io\"");
        yield return Case("rolebinding unknown subject kind", ValidRoleBinding with { Subjects = [new Subject { Kind = "Robot", Name = "r2" }] },
            "subjects[0].kind: Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\"");
        yield return Case("rolebinding user without group", ValidRoleBinding with { Subjects = [new Subject { Kind = SubjectKind.User, Name = "jane" }] },
            "subjects[0].apiGroup: Unsupported value: \"\": supported values: \"rbac.authorization.k8s.io\"");
        yield return Case("rolebinding subject name missing", ValidRoleBinding with { Subjects = [new Subject { Kind = SubjectKind.ServiceAccount }] },
            "subjects[0].name: Required value");
        yield return Case("clusterrolebinding to role", ValidClusterRoleBinding with { RoleRef = ValidClusterRoleBinding.RoleRef with { Kind = "Role" } },
            "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"");
        yield return Case("clusterrolebinding service account without namespace", ValidClusterRoleBinding with
        {
            Subjects = [new Subject { Kind = SubjectKind.ServiceAccount, Name = "default" }],
        }, "subjects[0].namespace: Required value");
    }

    [TestCaseSource(nameof(InvalidObjects))]
    public void Validate_InvalidField_ReportsKubernetesFieldError(KubernetesObject obj, string expected)
    {
        var errors = Validate(obj);

        Assert.That(errors, Has.Member(expected), string.Join("\n", errors));
    }
}
