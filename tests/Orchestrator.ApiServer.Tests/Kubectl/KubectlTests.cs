using Orchestrator.Api;
using Orchestrator.ApiServer.Tests.Testing;
using Orchestrator.Store;

namespace Orchestrator.ApiServer.Tests.Kubectl;

/// <summary>Drives one embedded cluster with the real kubectl (no extra flags) and asserts on its output and on the store.</summary>
[TestFixture]
[CancelAfter(120_000)]
[NonParallelizable]
public sealed class KubectlTests
{
    private ApiServerCluster _cluster = null!;

    private const string Manifest = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
          labels: {app: web}
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
              annotations:
                sim.orchestrator.io/logs: "hello from web\nsecond line"
            spec:
              containers:
              - name: web
                image: nginx:1.25
                ports:
                - containerPort: 80
                env:
                - name: MODE
                  value: prod
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: shop
        spec:
          selector: {app: web}
          ports:
          - port: 80
            targetPort: 80
        """;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        KubectlRunner.Require();
        _cluster = await ApiServerCluster.StartAsync();
        var apply = await _cluster.Kubectl.RunAsync("apply", "-f", _cluster.WriteFile("app.yaml", Manifest));
        Assert.That(apply.ExitCode, Is.Zero, apply.ToString());
        await ApiServerCluster.UntilAsync(async () => (await ReadyReplicasAsync("shop", "web")) == 2, "shop/web has 2 ready replicas");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    private async Task<int> ReadyReplicasAsync(string ns, string name) =>
        (await _cluster.Store.GetAsync<Deployment>(ns, name))?.Status?.ReadyReplicas ?? 0;

    [Test]
    public async Task Version_PrintsServerVersion()
    {
        var output = await _cluster.Kubectl.OkAsync("version");
        Assert.That(output, Does.Contain("Server Version: v1.32.0-orchestrator"));
    }

    [Test]
    public async Task ApiResources_ListsEveryKindWithShortNames()
    {
        var output = await _cluster.Kubectl.OkAsync("api-resources");
        Assert.That(output, Does.Match(@"deployments\s+deploy\s+apps/v1\s+true\s+Deployment"));
        Assert.That(output, Does.Match(@"nodes\s+no\s+v1\s+false\s+Node"));
        Assert.That(output, Does.Match(@"horizontalpodautoscalers\s+hpa\s+autoscaling/v2\s+true\s+HorizontalPodAutoscaler"));
        Assert.That(output, Does.Contain("clusterrolebindings"));
    }

    [Test]
    public async Task Apply_MultiDocument_CreatesEveryObject()
    {
        Assert.That(await _cluster.Store.GetAsync<Service>("shop", "web"), Is.Not.Null);
        var deployment = await _cluster.Store.GetAsync<Deployment>("shop", "web");
        Assert.That(deployment!.Metadata.Annotations, Does.ContainKey("kubectl.kubernetes.io/last-applied-configuration"));
        var output = await _cluster.Kubectl.OkAsync("get", "deployments", "-n", "shop");
        Assert.That(output, Does.Match(@"NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE"));
        Assert.That(output, Does.Match(@"web\s+2/2\s+2\s+2\s+\d+s"));
    }

    [Test]
    public async Task Get_Pods_ShowsKubectlColumnsAndWideColumns()
    {
        var output = await _cluster.Kubectl.OkAsync("get", "pods", "-n", "shop");
        Assert.That(output, Does.Match(@"NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE"));
        Assert.That(output, Does.Match(@"web-\S+\s+1/1\s+Running\s+0"));
        var wide = await _cluster.Kubectl.OkAsync("get", "pods", "-n", "shop", "-o", "wide");
        Assert.That(wide, Does.Match(@"NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE"));
    }

    [Test]
    public async Task Get_ServicesAndNodes_ShowKubectlColumns()
    {
        var services = await _cluster.Kubectl.OkAsync("get", "svc", "-n", "shop");
        Assert.That(services, Does.Match(@"NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE"));
        Assert.That(services, Does.Match(@"web\s+ClusterIP\s+\S+\s+<none>\s+80/TCP"));
        var nodes = await _cluster.Kubectl.OkAsync("get", "nodes");
        Assert.That(nodes, Does.Match(@"NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION"));
        Assert.That(nodes, Does.Contain("Ready"));
    }
}
