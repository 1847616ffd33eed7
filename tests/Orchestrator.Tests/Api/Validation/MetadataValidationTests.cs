using Orchestrator.Api;
using Orchestrator.Api.Validation;

namespace Orchestrator.Tests.Api.Validation;

public class MetadataValidationTests
{
    private static readonly ResourceKind PodKind = Kind("Pod", namespaced: true);
    private static readonly ResourceKind NamespaceKind = Kind("Namespace", namespaced: false);

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return Case("valid pod", PodKind, new ObjectMeta { Name = "web-1.a", Namespace = "default" });
        yield return Case("generateName only", PodKind, new ObjectMeta { GenerateName = "web-", Namespace = "default" });
        yield return Case("valid namespace", NamespaceKind, new ObjectMeta { Name = "prod" });
        yield return Case("clusterrole with colons", Kind("ClusterRole", false), new ObjectMeta { Name = "system:controller:x" });
        yield return Case("no name", PodKind, new ObjectMeta { Namespace = "default" },
            "metadata.name: Required value: name or generateName is required");
        yield return Case("bad generateName", PodKind, new ObjectMeta { GenerateName = "Web-", Namespace = "default" },
            "metadata.generateName: Invalid value: \"Web-\": a lowercase RFC 1123 subdomain must consist of");
        yield return Case("uppercase name", PodKind, new ObjectMeta { Name = "Web", Namespace = "default" },
            "metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of");
        yield return Case("dotted namespace name", NamespaceKind, new ObjectMeta { Name = "a.b" },
            "metadata.name: Invalid value: \"a.b\": a lowercase RFC 1123 label must consist of");
        yield return Case("service name starting with digit", Kind("Service", true), new ObjectMeta { Name = "1abc", Namespace = "default" },
            "metadata.name: Invalid value: \"1abc\": a DNS-1035 label must consist of");
        yield return Case("pod name with colon", PodKind, new ObjectMeta { Name = "a:b", Namespace = "default" },
            "metadata.name: Invalid value: \"a:b\"");
        yield return Case("namespaced without namespace", PodKind, new ObjectMeta { Name = "web" },
            "metadata.namespace: Required value");
        yield return Case("cluster-scoped with namespace", NamespaceKind, new ObjectMeta { Name = "prod", Namespace = "default" },
            "metadata.namespace: Forbidden: not allowed on this type");
        yield return Case("bad namespace", PodKind, new ObjectMeta { Name = "web", Namespace = "Bad_NS" },
            "metadata.namespace: Invalid value: \"Bad_NS\": a lowercase RFC 1123 label");
        yield return Case("bad label key", PodKind, Meta() with { Labels = new Dictionary<string, string> { ["-a"] = "b" } },
            "metadata.labels: Invalid value: \"-a\": name part must consist of");
        yield return Case("bad label value", PodKind, Meta() with { Labels = new Dictionary<string, string> { ["a"] = "b c" } },
            "metadata.labels: Invalid value: \"b c\": a valid label must be an empty string");
        yield return Case("bad annotation key", PodKind, Meta() with { Annotations = new Dictionary<string, string> { ["a b"] = "anything goes" } },
            "metadata.annotations: Invalid value: \"a b\": name part must consist of");
        yield return Case("uppercase annotation prefix", PodKind,
            Meta() with { Annotations = new Dictionary<string, string> { ["Example.COM/Key"] = "" } });
        yield return Case("oversized annotations", PodKind,
            Meta() with { Annotations = new Dictionary<string, string> { ["k"] = new string('v', 256 * 1024) } },
            "metadata.annotations: Too long: must have at most 262144 bytes");
        yield return Case("empty owner reference", PodKind, Meta() with { OwnerReferences = [new OwnerReference()] },
            "metadata.ownerReferences[0].apiVersion: Invalid value: \"\": version must not be empty",
            "metadata.ownerReferences[0].kind: Invalid value: \"\": must not be empty",
            "metadata.ownerReferences[0].name: Invalid value: \"\": must not be empty",
            "metadata.ownerReferences[0].uid: Invalid value: \"\": must not be empty");
        yield return Case("two controllers", PodKind, Meta() with { OwnerReferences = [Owner("a"), Owner("b")] },
            "metadata.ownerReferences: Invalid value: Only one reference can have Controller set to true. Found \"true\" in references for ReplicaSet/a and ReplicaSet/b");
        yield return Case("bad finalizer", PodKind, Meta() with { Finalizers = ["example.com/ok", "not ok"] },
            "metadata.finalizers[1]: Invalid value: \"not ok\"");
    }

    [TestCaseSource(nameof(Cases))]
    public void Validate_Metadata_ReportsExpectedFieldErrors(ResourceKind kind, ObjectMeta meta, string[] expected)
    {
        var errors = new ValidationErrors();

        MetadataValidation.Validate(meta, kind, errors);

        var actual = errors.Errors.Select(e => e.ToString()).ToArray();
        Assert.That(actual, Has.Length.EqualTo(expected.Length), string.Join(Environment.NewLine, actual));
        for (var i = 0; i < expected.Length; i++) Assert.That(actual[i], Does.StartWith(expected[i]));
    }

    [Test]
    public void ValidateLabelSelector_BadExpressions_ReportsEachField()
    {
        var selector = new LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["app"] = "-x" },
            MatchExpressions =
            [
                new LabelSelectorRequirement { Key = "a", Operator = LabelSelectorOperator.In },
                new LabelSelectorRequirement { Key = "b", Operator = LabelSelectorOperator.Exists, Values = ["x"] },
                new LabelSelectorRequirement { Key = "-c", Operator = "Equals", Values = ["x y"] },
            ],
        };
        var errors = new ValidationErrors();

        MetadataValidation.ValidateLabelSelector(selector, "spec.selector", errors);

        Assert.That(errors.Errors.Select(e => e.Field), Is.EqualTo(new[]
        {
            "spec.selector.matchLabels",
            "spec.selector.matchExpressions[0].values",
            "spec.selector.matchExpressions[1].values",
            "spec.selector.matchExpressions[2].operator",
            "spec.selector.matchExpressions[2].key",
            "spec.selector.matchExpressions[2].values[0]",
        }));
        Assert.That(errors.Errors[1].Reason, Is.EqualTo("Required value: must be specified when `operator` is 'In' or 'NotIn'"));
        Assert.That(errors.Errors[3].Reason, Does.StartWith("Unsupported value: \"Equals\": supported values: \"In\", \"NotIn\""));
    }

    [Test]
    public void ValidateLabelSelector_Valid_NoErrors()
    {
        var selector = new LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["app"] = "web" },
            MatchExpressions = [new LabelSelectorRequirement { Key = "tier", Operator = LabelSelectorOperator.NotIn, Values = ["db"] }],
        };
        var errors = new ValidationErrors();

        MetadataValidation.ValidateLabelSelector(selector, "spec.selector", errors);

        Assert.That(errors.IsValid, Is.True);
    }

    private static ObjectMeta Meta() => new() { Name = "web", Namespace = "default" };

    private static OwnerReference Owner(string name) =>
        new() { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = name, Uid = "uid-" + name, Controller = true };

    private static ResourceKind Kind(string kind, bool namespaced) =>
        new("", "v1", kind, kind.ToLowerInvariant() + "s", namespaced, typeof(object), []);

    private static TestCaseData Case(string name, ResourceKind kind, ObjectMeta meta, params string[] expected) =>
        new TestCaseData(kind, meta, expected).SetName($"{{m}}({name})");
}
