using Orchestrator.ApiServer.Tests.Testing;

namespace Orchestrator.ApiServer.Tests.Kubectl;

/// <summary><c>kubectl explain</c> over the OpenAPI v3 documents generated from the API model, and validation next to it.</summary>
[TestFixture]
[CancelAfter(120_000)]
[NonParallelizable]
public sealed class ExplainTests
{
    private ApiServerCluster _cluster = null!;

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

    [Test]
    public async Task Explain_Field_PrintsTypeAndDescriptionFromTheModel()
    {
        var output = await _cluster.Kubectl.OkAsync("explain", "deployment.spec.replicas");

        Assert.That(output, Does.Match(@"GROUP:\s+apps"));
        Assert.That(output, Does.Match(@"KIND:\s+Deployment"));
        Assert.That(output, Does.Match(@"VERSION:\s+v1"));
        Assert.That(output, Does.Contain("FIELD: replicas <integer>"));
        Assert.That(output, Does.Contain("The number of desired pods; defaults to 1."));
    }

    [Test]
    public async Task Explain_Kind_ListsFieldsWithTypes()
    {
        var output = await _cluster.Kubectl.OkAsync("explain", "pods");

        Assert.That(output, Does.Match(@"KIND:\s+Pod"));
        Assert.That(output, Does.Contain("FIELDS:"));
        Assert.That(output, Does.Match(@"metadata\s+<ObjectMeta>"));
        Assert.That(output, Does.Match(@"spec\s+<PodSpec>"));
    }

    [Test]
    public async Task Explain_NestedListAndMapFields_FollowsItemTypes()
    {
        var containers = await _cluster.Kubectl.OkAsync("explain", "pod.spec.containers");
        Assert.That(containers, Does.Match(@"FIELD: containers <\[\]Container>"));
        Assert.That(containers, Does.Match(@"image\s+<string>"));

        var image = await _cluster.Kubectl.OkAsync("explain", "pod.spec.containers.image");
        Assert.That(image, Does.Contain("FIELD: image <string>"));

        var labels = await _cluster.Kubectl.OkAsync("explain", "configmap.metadata.labels");
        Assert.That(labels, Does.Contain("FIELD: labels <map[string]string>"));
    }

    [Test]
    public async Task Explain_Recursive_PrintsNestedFields()
    {
        var output = await _cluster.Kubectl.OkAsync("explain", "service.spec", "--recursive");

        Assert.That(output, Does.Match(@"ports\s+<\[\]ServicePort>"));
        Assert.That(output, Does.Match(@"\n\s+targetPort\s+<IntOrString>"), output);
    }

    [Test]
    public async Task Explain_UnknownField_Fails()
    {
        var result = await _cluster.Kubectl.RunAsync("explain", "deployment.spec.nope");

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("field \"nope\" does not exist"));
    }

    [Test]
    public async Task Apply_UnknownNestedField_StillFailsServerSideValidation()
    {
        var result = await _cluster.Kubectl.RunAsync("apply", "-f", _cluster.WriteFile("bad.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: bad}
            spec:
              replicas: 1
              replicaz: 2
              selector: {matchLabels: {app: bad}}
              template:
                metadata: {labels: {app: bad}}
                spec:
                  containers: [{name: app, image: app:1}]
            """));

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("unknown field \"spec.replicaz\""));
    }
}
