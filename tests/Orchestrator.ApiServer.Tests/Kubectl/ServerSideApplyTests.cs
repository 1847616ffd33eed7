using System.Text.Json.Nodes;
using Orchestrator.Api;
using Orchestrator.ApiServer.Tests.Testing;
using Orchestrator.Store;

namespace Orchestrator.ApiServer.Tests.Kubectl;

/// <summary><c>kubectl apply --server-side</c> against the endpoint: create, merge, managed fields, conflicts and removal.</summary>
[TestFixture]
[CancelAfter(120_000)]
[NonParallelizable]
public sealed class ServerSideApplyTests
{
    private ApiServerCluster _cluster = null!;

    private static string Deployment(string name, int replicas, string image, string extraEnv = "") => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{name}}
          labels: {app: {{name}}}
        spec:
          replicas: {{replicas}}
          selector:
            matchLabels: {app: {{name}}}
          template:
            metadata:
              labels: {app: {{name}}}
            spec:
              containers:
              - name: app
                image: {{image}}
                env:
                - {name: MODE, value: prod}
        {{extraEnv}}
        """;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        KubectlRunner.Require();
        _cluster = await ApiServerCluster.StartAsync(nodes: 1);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    private Task<string> ApplyAsync(string file, string yaml, params string[] extra) =>
        _cluster.Kubectl.OkAsync(["apply", "--server-side", "-f", _cluster.WriteFile(file, yaml), .. extra]);

    private async Task<JsonArray> ManagedFieldsAsync(string kind, string name)
    {
        var json = await _cluster.Kubectl.OkAsync("get", kind, name, "-o", "json", "--show-managed-fields");
        return (JsonArray)JsonNode.Parse(json)!["metadata"]!["managedFields"]!;
    }

    [Test]
    public async Task ApplyServerSide_Missing_CreatesObjectOwnedByKubectl()
    {
        var output = await ApplyAsync("create.yaml", Deployment("create", 2, "app:1"));

        Assert.That(output, Does.Contain("deployment.apps/create serverside-applied"));
        var stored = await _cluster.Store.GetAsync<Deployment>("default", "create");
        Assert.That(stored!.Spec.Replicas, Is.EqualTo(2));
        var entry = stored.Metadata.ManagedFields.Single();
        Assert.That((entry.Manager, entry.Operation, entry.ApiVersion, entry.FieldsType), Is.EqualTo(("kubectl", "Apply", "apps/v1", "FieldsV1")));
        Assert.That(entry.Time, Is.Not.Null);
        var fields = JsonNode.Parse(entry.FieldsV1!.Value.GetRawText())!;
        Assert.That(fields["f:spec"]?["f:replicas"], Is.Not.Null);
        Assert.That(fields["f:metadata"]?["f:labels"]?["f:app"], Is.Not.Null);
        var container = fields["f:spec"]?["f:template"]?["f:spec"]?["f:containers"]?["k:{\"name\":\"app\"}"];
        Assert.That(container?["."], Is.Not.Null, fields.ToJsonString());
        Assert.That(container?["f:image"], Is.Not.Null);
        Assert.That(fields["f:status"], Is.Null);
        var managers = await ManagedFieldsAsync("deployment", "create");
        Assert.That(managers.Select(m => m!["manager"]!.GetValue<string>()), Is.EqualTo(new[] { "kubectl" }));
    }

    [Test]
    public async Task ApplyServerSide_ChangedImage_MergesIntoLiveObject()
    {
        await ApplyAsync("merge.yaml", Deployment("merge", 1, "app:1"));
        await _cluster.Kubectl.OkAsync("annotate", "deployment", "merge", "team=blue");

        var output = await ApplyAsync("merge.yaml", Deployment("merge", 1, "app:2"));

        Assert.That(output, Does.Contain("deployment.apps/merge serverside-applied"));
        var stored = await _cluster.Store.GetAsync<Deployment>("default", "merge");
        Assert.That(stored!.Spec.Template.Spec.Containers.Single().Image, Is.EqualTo("app:2"));
        Assert.That(stored.Metadata.Annotations["team"], Is.EqualTo("blue"), "fields of other managers stay");
        Assert.That(stored.Metadata.ManagedFields.Select(e => (e.Manager, e.Operation)),
            Is.EquivalentTo(new[] { ("kubectl", "Apply"), ("kubectl-annotate", "Update") }));
    }

    [Test]
    public async Task ApplyServerSide_SameConfigurationTwice_DoesNotWrite()
    {
        const string config = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: same}
            data: {a: "1"}
            """;
        await ApplyAsync("same.yaml", config);
        var version = (await _cluster.Store.GetAsync<ConfigMap>("default", "same"))!.Metadata.ResourceVersion;

        await ApplyAsync("same.yaml", config);

        Assert.That((await _cluster.Store.GetAsync<ConfigMap>("default", "same"))!.Metadata.ResourceVersion, Is.EqualTo(version));
    }

    [Test]
    public async Task ApplyServerSide_FieldOwnedByAnotherManager_ReportsConflictUnlessForced()
    {
        await ApplyAsync("conflict.yaml", Deployment("conflict", 1, "app:1"));
        await _cluster.Kubectl.OkAsync("patch", "deployment", "conflict", "-p",
            """{"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"app","image":"app:hotfix"}]}}}}""");

        var result = await _cluster.Kubectl.RunAsync("apply", "--server-side", "-f", _cluster.WriteFile("conflict.yaml", Deployment("conflict", 2, "app:2")));

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("Apply failed with 2 conflicts: conflicts with \"kubectl-patch\" using apps/v1"));
        Assert.That(result.Stderr, Does.Contain("- .spec.replicas"));
        Assert.That(result.Stderr, Does.Contain("- .spec.template.spec.containers[name=\"app\"].image"));
        Assert.That(result.Stderr, Does.Contain("--force-conflicts"), "kubectl explains how to resolve the conflict");
        var unchanged = await _cluster.Store.GetAsync<Deployment>("default", "conflict");
        Assert.That(unchanged!.Spec.Replicas, Is.EqualTo(3));

        await _cluster.Kubectl.OkAsync("apply", "--server-side", "--force-conflicts", "-f", _cluster.WriteFile("conflict.yaml", Deployment("conflict", 2, "app:2")));

        var forced = await _cluster.Store.GetAsync<Deployment>("default", "conflict");
        Assert.That(forced!.Spec.Replicas, Is.EqualTo(2));
        Assert.That(forced.Spec.Template.Spec.Containers.Single().Image, Is.EqualTo("app:2"));
        Assert.That(forced.Metadata.ManagedFields.Select(e => e.Manager), Is.EqualTo(new[] { "kubectl" }),
            "the patch manager lost the only fields it owned");
    }

    [Test]
    public async Task ApplyServerSide_SameValueAsOtherManager_SharesOwnershipWithoutConflict()
    {
        await ApplyAsync("shared.yaml", Deployment("shared", 1, "app:1"));
        await _cluster.Kubectl.OkAsync("patch", "deployment", "shared", "-p", """{"spec":{"replicas":4}}""");

        await ApplyAsync("shared.yaml", Deployment("shared", 4, "app:1"));
        await _cluster.Kubectl.OkAsync("apply", "--server-side", "--field-manager", "other", "-f",
            _cluster.WriteFile("shared-other.yaml", Deployment("shared", 4, "app:1")));

        var stored = await _cluster.Store.GetAsync<Deployment>("default", "shared");
        Assert.That(stored!.Metadata.ManagedFields.Select(e => e.Manager), Is.EquivalentTo(new[] { "kubectl", "kubectl-patch", "other" }));
    }

    [Test]
    public async Task ApplyServerSide_FieldDroppedFromConfig_RemovesFieldsOnlyThisManagerOwned()
    {
        await ApplyAsync("prune.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: prune, labels: {keep: "yes", drop: "yes"}}
            data: {a: "1", b: "2"}
            """);
        await _cluster.Kubectl.OkAsync("label", "configmap", "prune", "owner=label-tool");

        await ApplyAsync("prune.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: prune, labels: {keep: "yes"}}
            data: {a: "1"}
            """);

        var stored = await _cluster.Store.GetAsync<ConfigMap>("default", "prune");
        Assert.That(stored!.Data, Is.EquivalentTo(new Dictionary<string, string> { ["a"] = "1" }));
        Assert.That(stored.Metadata.Labels, Is.EquivalentTo(new Dictionary<string, string> { ["keep"] = "yes", ["owner"] = "label-tool" }));
    }

    [Test]
    public async Task ApplyServerSide_EnvItemDropped_RemovesListItem()
    {
        await ApplyAsync("env.yaml", Deployment("env", 1, "app:1").Replace("- {name: MODE, value: prod}", "- {name: MODE, value: prod}\n        - {name: DEBUG, value: \"1\"}"));
        Assert.That((await _cluster.Store.GetAsync<Deployment>("default", "env"))!.Spec.Template.Spec.Containers[0].Env, Has.Count.EqualTo(2));

        await ApplyAsync("env.yaml", Deployment("env", 1, "app:1"));

        var env = (await _cluster.Store.GetAsync<Deployment>("default", "env"))!.Spec.Template.Spec.Containers[0].Env;
        Assert.That(env.Select(e => e.Name), Is.EqualTo(new[] { "MODE" }));
    }

    [Test]
    public async Task ApplyServerSide_AfterClientSideApply_MigratesOwnershipToKubectl()
    {
        await _cluster.Kubectl.OkAsync("apply", "-f", _cluster.WriteFile("csa.yaml", Deployment("csa", 1, "app:1")));
        var before = await _cluster.Store.GetAsync<Deployment>("default", "csa");
        Assert.That(before!.Metadata.ManagedFields.Select(e => (e.Manager, e.Operation)), Is.EqualTo(new[] { ("kubectl-client-side-apply", "Update") }));

        await ApplyAsync("csa.yaml", Deployment("csa", 1, "app:1"));
        await ApplyAsync("csa.yaml", Deployment("csa", 1, "app:2"));

        var after = await _cluster.Store.GetAsync<Deployment>("default", "csa");
        Assert.That(after!.Spec.Template.Spec.Containers[0].Image, Is.EqualTo("app:2"));
        Assert.That(after.Metadata.ManagedFields.Select(e => e.Manager), Does.Not.Contain("kubectl-client-side-apply"));
    }

    [Test]
    public async Task ApplyServerSide_DryRunServer_ChangesNothing()
    {
        var output = await ApplyAsync("dry.yaml", Deployment("dry", 1, "app:1"), "--dry-run=server");

        Assert.That(output, Does.Contain("deployment.apps/dry serverside-applied (server dry run)"));
        Assert.That(await _cluster.Store.GetAsync<Deployment>("default", "dry"), Is.Null);
    }

    [Test]
    public async Task ApplyServerSide_UnknownField_FailsValidation()
    {
        var result = await _cluster.Kubectl.RunAsync("apply", "--server-side", "-f", _cluster.WriteFile("bad.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: bad}
            data: {a: "1"}
            bogus: true
            """));

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("unknown field \"bogus\""));
        Assert.That(await _cluster.Store.GetAsync<ConfigMap>("default", "bad"), Is.Null);
    }
}
