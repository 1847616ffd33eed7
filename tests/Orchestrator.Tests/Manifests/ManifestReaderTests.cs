using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Api;
using Orchestrator.Manifests;

namespace Orchestrator.Tests.Manifests;

public sealed class ManifestReaderTests
{
    private static string TestData(string name) => File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Manifests", "testdata", name));

    public static IEnumerable<string> RealWorldManifests =>
        ["nginx-deployment.yaml", "pi-job.yaml", "web-service.yaml", "game-configmap.yaml", "multi.yaml"];

    [TestCaseSource(nameof(RealWorldManifests))]
    public void Parse_RealWorldManifest_RoundTripsThroughYaml(string file)
    {
        var original = ManifestReader.Parse(TestData(file), file);

        var written = ManifestWriter.ToYaml(original.Select(d => d.Object));
        var reread = ManifestReader.Parse(written, "written");

        Assert.That(reread.Select(d => Json(d.Object)), Is.EqualTo(original.Select(d => Json(d.Object))), written);
    }

    [Test]
    public void Parse_Deployment_KeepsQuantitiesIntOrStringAndProbes()
    {
        var deployment = (Deployment)ManifestReader.Parse(TestData("nginx-deployment.yaml")).Single().Object;

        var container = deployment.Spec.Template.Spec.Containers.Single();
        Assert.Multiple(() =>
        {
            Assert.That(deployment.Spec.Replicas, Is.EqualTo(3));
            Assert.That(deployment.Metadata.Namespace, Is.EqualTo("default"));
            Assert.That(deployment.Spec.Strategy.RollingUpdate!.MaxSurge, Is.EqualTo((IntOrString)1));
            Assert.That(deployment.Spec.Strategy.RollingUpdate!.MaxUnavailable, Is.EqualTo((IntOrString)"25%"));
            Assert.That(container.GetLimit("memory"), Is.EqualTo(Quantity.Parse("1536Mi")));
            Assert.That(container.GetRequest("cpu"), Is.EqualTo(Quantity.Parse("0.25")));
            Assert.That(container.ReadinessProbe!.HttpGet!.Port, Is.EqualTo((IntOrString)"http"));
        });
    }

    [Test]
    public void Parse_ConfigMapMultiLineValue_KeepsTextAndQuotesStringsThatLookLikeOtherTypes()
    {
        var configMap = (ConfigMap)ManifestReader.Parse(TestData("game-configmap.yaml")).Single().Object;

        var yaml = ManifestWriter.ToYaml(configMap);

        Assert.Multiple(() =>
        {
            Assert.That(configMap.Data["game.properties"], Is.EqualTo("enemy.types=aliens,monsters\nplayer.maximum-lives=5\n"));
            Assert.That(yaml, Does.Contain("game.properties: |\n    enemy.types=aliens,monsters\n"));
            Assert.That(yaml, Does.Contain("player_initial_lives: \"3\""));
            Assert.That(yaml, Does.Contain("enabled: \"true\""));
            Assert.That(yaml, Does.Contain("empty: \"\""));
        });
    }

    [Test]
    public void Parse_Json_ReadsSameObjectAsYaml()
    {
        const string json = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""";

        var pod = (Pod)ManifestReader.Parse(json, "pod.json").Single().Object;

        Assert.That(pod.Spec.Containers[0].Image, Is.EqualTo("busybox"));
    }

    [Test]
    public void Parse_ListKind_ExpandsItems()
    {
        const string yaml = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: a}
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: b}
            """;

        var documents = ManifestReader.Parse(yaml);

        Assert.That(documents.Select(d => d.Object.Metadata.Name), Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void Parse_UnknownField_IsErrorWithFileDocumentLineColumnAndField()
    {
        var yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n" + TestData("nginx-deployment.yaml").Replace("  replicas: 3", "  replcias: 3");

        var error = Assert.Throws<ManifestException>(() => ManifestReader.Parse(yaml, "app.yaml"))!.Errors.Single();

        Assert.Multiple(() =>
        {
            Assert.That(error.Source, Is.EqualTo("app.yaml"));
            Assert.That(error.Document, Is.EqualTo(2));
            Assert.That(error.Line, Is.EqualTo(12));
            Assert.That(error.Column, Is.EqualTo(3));
            Assert.That(error.Field, Is.EqualTo("spec.replcias"));
            Assert.That(error.ToString(), Does.Contain("unknown field \"replcias\"").And.Contain("Deployment \"nginx-deployment\""));
        });
    }

    [Test]
    public void Parse_UnknownFieldWithWarnOption_ReadsObjectAndWarns()
    {
        var yaml = TestData("nginx-deployment.yaml").Replace("  replicas: 3", "  replcias: 3");

        var document = ManifestReader.Parse(yaml, "app.yaml", new ManifestOptions { UnknownFields = UnknownFieldHandling.Warn }).Single();

        Assert.That(document.Warnings.Single().Field, Is.EqualTo("spec.replcias"));
        Assert.That(((Deployment)document.Object).Spec.Replicas, Is.EqualTo(1));
    }

    [Test]
    public void Parse_WrongType_IsErrorAtTheValue()
    {
        var yaml = TestData("nginx-deployment.yaml").Replace("  replicas: 3", "  replicas: \"three\"");

        var error = Assert.Throws<ManifestException>(() => ManifestReader.Parse(yaml, "app.yaml"))!.Errors.Single();

        Assert.Multiple(() =>
        {
            Assert.That(error.Field, Is.EqualTo("spec.replicas"));
            Assert.That(error.Line, Is.EqualTo(8));
            Assert.That(error.Column, Is.EqualTo(13));
            Assert.That(error.Message, Does.Contain("integer"));
        });
    }

    [Test]
    public void Parse_SyntaxError_ReportsDocumentLineAndColumn()
    {
        const string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n";

        var error = Assert.Throws<ManifestException>(() => ManifestReader.Parse(yaml, "bad.yaml"))!.Errors.Single();

        Assert.That(error.Document, Is.EqualTo(2));
        Assert.That(error.Line, Is.GreaterThanOrEqualTo(8));
    }

    [Test]
    public void Parse_UnknownKind_ListsSupportedKinds()
    {
        const string yaml = "apiVersion: v1\nkind: Widget\nmetadata: {name: w}\n";

        var error = Assert.Throws<ManifestException>(() => ManifestReader.Parse(yaml))!.Errors.Single();

        Assert.That(error.Message, Does.Contain("no matches for kind \"Widget\"").And.Contain("apps/v1/Deployment"));
    }

    [Test]
    public void Parse_KnownKindInRetiredVersion_SaysWhichVersionServesIt()
    {
        const string yaml = "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: w}\n";

        var error = Assert.Throws<ManifestException>(() => ManifestReader.Parse(yaml))!.Errors.Single();

        Assert.That(error.Message, Does.Contain("Deployment is served as apps/v1"));
    }

    [Test]
    public void Parse_InvalidObject_ReportsValidationErrorAtField()
    {
        const string yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: \"\"\n";

        var error = Assert.Throws<ManifestException>(() => ManifestReader.Parse(yaml, "pod.yaml"))!.Errors.Single();

        Assert.Multiple(() =>
        {
            Assert.That(error.Field, Is.EqualTo("spec.containers[0].image"));
            Assert.That(error.Line, Is.EqualTo(8));
        });
    }

    [Test]
    public void Parse_SeveralBadDocuments_ReportsEveryProblem()
    {
        const string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndatta: {}\n---\napiVersion: v1\nkind: Nope\nmetadata: {name: b}\n";

        var errors = Assert.Throws<ManifestException>(() => ManifestReader.Parse(yaml))!.Errors;

        Assert.That(errors.Select(e => e.Document), Is.EqualTo(new[] { 1, 2 }));
    }

    private static string Json(KubernetesObject obj) => JsonSerializer.Serialize(obj, obj.GetType(), KubernetesJson.Options);
}
