using Orchestrator.Api;
using Orchestrator.ApiServer.Tests.Testing;
using Orchestrator.Store;

namespace Orchestrator.ApiServer.Tests.Kubectl;

/// <summary>Services through the API server with the real kubectl: the store's IP and node port allocation, and Endpoints.</summary>
[TestFixture]
[CancelAfter(120_000)]
[NonParallelizable]
public sealed class ServiceKubectlTests
{
    private const string Manifest = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          type: NodePort
          selector: {app: web}
          ports:
          - name: http
            port: 80
            targetPort: http
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: web-0
          labels: {app: web}
        spec:
          containers:
          - name: web
            image: nginx:1.25
            ports:
            - name: http
              containerPort: 8080
        """;

    private ApiServerCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        KubectlRunner.Require();
        _cluster = await ApiServerCluster.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Test]
    public async Task Apply_NodePortService_GetsClusterIPNodePortAndEndpointsAndReapplyKeepsThem()
    {
        var file = _cluster.WriteFile("web.yaml", Manifest);
        await _cluster.Kubectl.OkAsync("apply", "-f", file);
        var created = (await _cluster.Store.GetAsync<Service>("default", "web"))!;

        await ApiServerCluster.UntilAsync(async () => (await _cluster.Store.GetAsync<Endpoints>("default", "web"))?.Subsets.Count == 1, "web has endpoints");
        var endpoints = await _cluster.Kubectl.OkAsync("get", "endpoints", "web", "-o", "jsonpath={.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}");
        await _cluster.Kubectl.OkAsync("apply", "-f", file);
        var reapplied = (await _cluster.Store.GetAsync<Service>("default", "web"))!;

        Assert.Multiple(() =>
        {
            Assert.That(created.Spec.ClusterIP, Does.StartWith("10."));
            Assert.That(created.Spec.Ports[0].NodePort, Is.InRange(30000, 32767));
            Assert.That(endpoints, Does.Match(@"^\d+\.\d+\.\d+\.\d+:8080$"), "the named target port resolved on the pod");
            Assert.That(reapplied.Spec.ClusterIP, Is.EqualTo(created.Spec.ClusterIP));
            Assert.That(reapplied.Spec.Ports[0].NodePort, Is.EqualTo(created.Spec.Ports[0].NodePort));
        });
    }

    [Test]
    public async Task Create_ServiceWithTakenClusterIP_IsRejectedWithTheKubernetesMessage()
    {
        await _cluster.Kubectl.OkAsync("create", "-f", _cluster.WriteFile("first.yaml", FixedIPService("first")));

        var second = await _cluster.Kubectl.RunAsync("create", "-f", _cluster.WriteFile("second.yaml", FixedIPService("second")));

        Assert.Multiple(() =>
        {
            Assert.That(second.ExitCode, Is.Not.Zero);
            Assert.That(second.Stderr, Does.Contain("spec.clusterIPs[0]: Invalid value: \"10.96.0.77\": provided IP is already allocated"), second.ToString());
        });
    }

    private static string FixedIPService(string name) => $$"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {{name}}
        spec:
          clusterIP: 10.96.0.77
          ports:
          - port: 80
        """;
}
