using System.Text.Json.Nodes;
using Orchestrator.Api;
using Orchestrator.ApiServer.Apply;
using Orchestrator.ApiServer.Http;

namespace Orchestrator.ApiServer.Tests.Apply;

[TestFixture]
public sealed class FieldManagerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 5, 0, 0, TimeSpan.Zero);

    private static JsonObject Parse(string json) => (JsonObject)JsonNode.Parse(json)!;

    private static readonly JsonObject Live = Parse("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","uid":"u1","labels":{"app":"web"}},
         "spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"web","image":"a:1","ports":[{"containerPort":80}]}]}}},
         "status":{"replicas":2}}
        """);

    private static IEnumerable<TestCaseData> DisplayCases()
    {
        yield return new TestCaseData("f:spec\u001ff:replicas", ".spec.replicas");
        yield return new TestCaseData("f:spec\u001ff:containers\u001fk:{\"name\":\"web\"}\u001ff:image", ".spec.containers[name=\"web\"].image");
        yield return new TestCaseData("f:spec\u001ff:ports\u001fk:{\"containerPort\":80}\u001f.", ".spec.ports[containerPort=80]");
        yield return new TestCaseData("f:metadata\u001ff:finalizers\u001fv:\"x\"", ".metadata.finalizers[=\"x\"]");
    }

    [TestCaseSource(nameof(DisplayCases))]
    public void Display_Path_PrintsKubernetesFieldPath(string path, string expected) =>
        Assert.That(FieldPaths.Display(path), Is.EqualTo(expected));

    [Test]
    public void Of_Deployment_HasLeavesAndItemMarkersButNoIdentityOrStatus()
    {
        var fields = FieldPaths.Of(Live, status: false);

        Assert.That(fields, Is.EquivalentTo(new[]
        {
            "f:metadata\u001ff:labels\u001ff:app",
            "f:spec\u001ff:replicas",
            "f:spec\u001ff:template\u001ff:spec\u001ff:containers\u001fk:{\"name\":\"web\"}\u001f.",
            "f:spec\u001ff:template\u001ff:spec\u001ff:containers\u001fk:{\"name\":\"web\"}\u001ff:name",
            "f:spec\u001ff:template\u001ff:spec\u001ff:containers\u001fk:{\"name\":\"web\"}\u001ff:image",
            "f:spec\u001ff:template\u001ff:spec\u001ff:containers\u001fk:{\"name\":\"web\"}\u001ff:ports\u001fk:{\"containerPort\":80}\u001f.",
            "f:spec\u001ff:template\u001ff:spec\u001ff:containers\u001fk:{\"name\":\"web\"}\u001ff:ports\u001fk:{\"containerPort\":80}\u001ff:containerPort",
        }));
    }

    [Test]
    public void ToFieldsV1_RoundTrips()
    {
        var fields = FieldPaths.Of(Live, status: false);

        var trie = FieldPaths.ToFieldsV1(fields);

        Assert.That(FieldPaths.FromFieldsV1(trie), Is.EquivalentTo(fields));
        Assert.That(trie.GetProperty("f:spec").GetProperty("f:replicas").EnumerateObject().Any(), Is.False);
    }

    [Test]
    public void Apply_FieldChangedByUpdater_ThrowsConflictNamingManagerAndField()
    {
        var entries = FieldManager.Update(null, Live, [], "creator", null, "apps/v1", Now);
        var config = Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":5}}""");

        var error = Assert.Throws<StatusError>(() => FieldManager.Apply(Live, config, entries, "kubectl", force: false, null, "apps/v1", Now))!;

        Assert.That(error.Code, Is.EqualTo(409));
        Assert.That(error.Message, Is.EqualTo("Apply failed with 1 conflict: conflict with \"creator\" using apps/v1 at 2026-11-22T05:00:00Z: .spec.replicas"));
        Assert.That(error.Details!["causes"]![0]!["reason"]!.GetValue<string>(), Is.EqualTo("FieldManagerConflict"));
    }

    [Test]
    public void Apply_Forced_TakesFieldOverAndMerges()
    {
        var entries = FieldManager.Update(null, Live, [], "creator", null, "apps/v1", Now);
        var config = Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":5}}""");

        var result = FieldManager.Apply(Live, config, entries, "kubectl", force: true, null, "apps/v1", Now);

        Assert.That(result.Object["spec"]!["replicas"]!.GetValue<int>(), Is.EqualTo(5));
        Assert.That(result.Object["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>(), Is.EqualTo("a:1"));
        var creator = FieldPaths.FromFieldsV1(result.ManagedFields.Single(e => e.Manager == "creator").FieldsV1);
        Assert.That(creator, Does.Not.Contain("f:spec\u001ff:replicas"));
        var kubectl = result.ManagedFields.Single(e => e.Manager == "kubectl");
        Assert.That((kubectl.Operation, FieldPaths.FromFieldsV1(kubectl.FieldsV1).Single()), Is.EqualTo(("Apply", "f:spec\u001ff:replicas")));
    }

    [Test]
    public void Update_ChangedField_MovesOwnershipToWriter()
    {
        var entries = FieldManager.Update(null, Live, [], "creator", null, "apps/v1", Now);
        var after = (JsonObject)Live.DeepClone();
        after["spec"]!["replicas"] = 7;

        var updated = FieldManager.Update(Live, after, entries, "scaler", "scale", "apps/v1", Now);

        var scaler = updated.Single(e => e.Manager == "scaler");
        Assert.That((scaler.Operation, scaler.Subresource), Is.EqualTo(("Update", "scale")));
        Assert.That(FieldPaths.FromFieldsV1(scaler.FieldsV1), Is.EquivalentTo(new[] { "f:spec\u001ff:replicas" }));
        Assert.That(FieldPaths.FromFieldsV1(updated.Single(e => e.Manager == "creator").FieldsV1), Does.Not.Contain("f:spec\u001ff:replicas"));
        Assert.That(FieldManager.Update(after, after, updated, "scaler", "scale", "apps/v1", Now), Is.SameAs(updated), "a write that changes nothing keeps the entries");
    }

    [Test]
    public void Apply_ItemDroppedAndSharedItemKept_RemovesOnlyUnsharedItem()
    {
        var config = Parse("""{"metadata":{"name":"c"},"data":{"a":"1","b":"2"}}""");
        var first = FieldManager.Apply(null, config, [], "kubectl", false, null, "v1", Now);
        var live = first.Object;
        var shared = FieldManager.Apply(live, Parse("""{"metadata":{"name":"c"},"data":{"b":"2"}}"""), first.ManagedFields, "other", false, null, "v1", Now);

        var result = FieldManager.Apply(shared.Object, Parse("""{"metadata":{"name":"c"},"data":{}}"""), shared.ManagedFields, "kubectl", false, null, "v1", Now);

        Assert.That(result.Object["data"]!.ToJsonString(), Is.EqualTo("""{"b":"2"}"""));
    }
}
