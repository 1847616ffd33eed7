using Orchestrator.Api;
using Orchestrator.Manifests;
using Orchestrator.Store;

namespace Orchestrator.Tests.Manifests;

public sealed class ManifestApplierTests
{
    private InMemoryObjectStore _store = null!;
    private ManifestApplier _applier = null!;

    [SetUp]
    public void SetUp()
    {
        _store = new InMemoryObjectStore();
        _applier = new ManifestApplier(_store);
    }

    [TearDown]
    public void TearDown() => _store.Dispose();

    private static string TestData(string name) => File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Manifests", "testdata", name));

    [Test]
    public async Task ApplyAsync_MultiDocument_CreatesNamespaceFirstThenObjects()
    {
        var results = await _applier.ApplyAsync(TestData("multi.yaml"), "multi.yaml");

        Assert.That(results.Select(r => r.ToString()), Is.EqualTo(new[]
        {
            "namespace/shop created", "configmap/settings created", "deployment.apps/frontend created",
        }));
        Assert.That(await _store.GetAsync<Deployment>("shop", "frontend"), Is.Not.Null);
    }

    [Test]
    public async Task ApplyAsync_SameManifestTwice_IsUnchanged()
    {
        await _applier.ApplyAsync(TestData("nginx-deployment.yaml"));
        var before = await _store.GetRequiredAsync<Deployment>("default", "nginx-deployment");

        var results = await _applier.ApplyAsync(TestData("nginx-deployment.yaml"));

        Assert.That(results.Single().Action, Is.EqualTo(ApplyAction.Unchanged));
        var after = await _store.GetRequiredAsync<Deployment>("default", "nginx-deployment");
        Assert.That(after.Metadata.ResourceVersion, Is.EqualTo(before.Metadata.ResourceVersion));
    }

    [Test]
    public async Task ApplyAsync_ChangedImage_UpdatesSpecAndBumpsGeneration()
    {
        await _applier.ApplyAsync(TestData("nginx-deployment.yaml"));

        var results = await _applier.ApplyAsync(TestData("nginx-deployment.yaml").Replace("nginx:1.14.2", "nginx:1.16.1"));

        var deployment = await _store.GetRequiredAsync<Deployment>("default", "nginx-deployment");
        Assert.Multiple(() =>
        {
            Assert.That(results.Single().Action, Is.EqualTo(ApplyAction.Configured));
            Assert.That(deployment.Spec.Template.Spec.Containers[0].Image, Is.EqualTo("nginx:1.16.1"));
            Assert.That(deployment.Metadata.Generation, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task ApplyAsync_FieldSetByController_IsKeptWhileRemovedManifestFieldIsDropped()
    {
        await _applier.ApplyAsync(TestData("web-service.yaml"));
        // The store's service IP allocator sets a field the manifest never mentions.
        var allocated = (await _store.GetRequiredAsync<Service>("default", "web")).Spec.ClusterIP;

        var withoutAnnotation = TestData("web-service.yaml").Replace("  annotations:\n    example.com/owner: \"team-a\"\n", "");
        await _applier.ApplyAsync(withoutAnnotation);

        var service = await _store.GetRequiredAsync<Service>("default", "web");
        Assert.Multiple(() =>
        {
            Assert.That(service.Spec.ClusterIP, Is.EqualTo(allocated).And.StartWith("10."));
            Assert.That(service.Metadata.Annotations.ContainsKey("example.com/owner"), Is.False);
            Assert.That(service.Metadata.Annotations.ContainsKey(ManifestApplier.LastAppliedAnnotation), Is.True);
        });
    }

    [Test]
    public async Task ApplyAsync_OneBadDocument_AppliesNothing()
    {
        var yaml = TestData("multi.yaml") + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad, namespace: shop}\ndata: {\"bad key!\": x}\n";
        var versionBefore = _store.CurrentResourceVersion;

        Assert.ThrowsAsync<ManifestException>(() => _applier.ApplyAsync(yaml, "multi.yaml"));

        Assert.Multiple(async () =>
        {
            Assert.That(_store.CurrentResourceVersion, Is.EqualTo(versionBefore));
            Assert.That(await _store.GetAsync<Namespace>(null, "shop"), Is.Null);
        });
    }

    [Test]
    public async Task ApplyAsync_MissingNamespace_ReportsItAndAppliesNothing()
    {
        const string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: nowhere}\n";

        var error = Assert.ThrowsAsync<ManifestException>(() => _applier.ApplyAsync(yaml, "cm.yaml"))!.Errors.Single();

        Assert.That(error.ToString(), Does.Contain("document 2").And.Contain("namespace \"nowhere\" not found"));
        Assert.That(await _store.GetAsync<ConfigMap>("default", "a"), Is.Null);
    }

    [Test]
    public async Task ApplyAsync_WriteFailsMidway_UndoesEarlierWrites()
    {
        // Validation passes, but the second write is refused: its namespace is terminating.
        await _store.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = "dying" } });
        await _store.DeleteAsync<Namespace>(null, "dying");
        const string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fresh}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: late, namespace: dying}\n";

        Assert.ThrowsAsync<ManifestException>(() => _applier.ApplyAsync(yaml));

        Assert.That(await _store.GetAsync<ConfigMap>("default", "fresh"), Is.Null);
    }

    [Test]
    public async Task ApplyAsync_GenerateName_CreatesUniqueObjects()
    {
        const string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: run-}\ndata: {k: v}\n";

        var first = (await _applier.ApplyAsync(yaml)).Single().Object;
        var second = (await _applier.ApplyAsync(yaml)).Single().Object;

        Assert.That(first.Metadata.Name, Does.StartWith("run-").And.Not.EqualTo(second.Metadata.Name));
    }
}
