using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Docker.Engine;
using Orchestrator.Docker.Hosting;
using Orchestrator.Docker.Tests.Runtime;
using Orchestrator.Hosting;
using Orchestrator.NodeAgent;
using Orchestrator.Store;

namespace Orchestrator.Docker.Tests.Pods;

/// <summary>
/// A whole orchestrator (store, scheduler, controllers, node agents) in a generic host, with one node per Docker engine:
/// the default engine and the second test engine, reached through a proxy the test can cut to make that host vanish
/// without stopping the engine other tests use.
/// </summary>
[CancelAfter(180_000)]
public sealed class MultiHostTests
{
    [Test]
    public async Task Deployment_AcrossTwoHosts_OneHostStopsAnswering_PodsMoveToTheOther()
    {
        // Given the second engine behind a proxy, and an orchestrator with a node on each engine
        using (var second = await DockerTestEnvironment.ConnectSecondHostAsync())
        {
            Assert.That(second.Endpoint.Host.Scheme, Is.EqualTo("unix"), "the test proxies the second engine's socket");
        }
        var socket = new Uri(DockerTestEnvironment.SecondHost).AbsolutePath;
        await using var proxy = new EngineProxy(socket);
        var clusterId = "multi-" + DockerTestEnvironment.NewRunId();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "orch-docker-tests", clusterId);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddOrchestrator(o => o.NodeAgent = DockerPodCluster.FastAgent)
            .AddDockerRuntime(o => Configure(o, clusterId, dataDirectory, proxy.Address));
        builder.Services.Configure<NodeLifecycleOptions>(o =>
        {
            o.NodeMonitorGracePeriod = TimeSpan.FromSeconds(4);
            o.NodeMonitorPeriod = TimeSpan.FromSeconds(1);
            o.DefaultTolerationPeriod = TimeSpan.FromSeconds(1);
        });
        var host = builder.Build();
        try
        {
            using var start = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await host.StartAsync(start.Token);
            await host.Services.GetRequiredService<NodeAgentHost>().Ready.WaitAsync(start.Token);
            var store = host.Services.GetRequiredService<IObjectStore>();

            // Then each engine is a Ready node with its capacity, labels and runtime
            var nodes = (await store.ListAsync(ApiResources.For<Node>())).Items.Cast<Node>().OrderBy(n => n.Metadata.Name).ToList();
            Assert.That(nodes.Select(n => n.Metadata.Name), Is.EqualTo(new[] { "docker-1", "docker-2" }));
            foreach (var node in nodes)
            {
                Assert.That(node.IsReady(), Is.True, node.Metadata.Name);
                Assert.That(node.Metadata.Labels[WellKnownLabels.Hostname], Is.EqualTo(node.Metadata.Name));
                Assert.That(node.Metadata.Labels[WellKnownLabels.Os], Is.EqualTo("linux"));
                Assert.That(node.Status!.NodeInfo!.ContainerRuntimeVersion, Does.StartWith("docker://"));
                Assert.That(node.Status.Capacity[ResourceName.Cpu].Value, Is.EqualTo(Environment.ProcessorCount));
                Assert.That(node.Status.Capacity[ResourceName.Pods].Value, Is.EqualTo(110));
                Assert.That(node.Status.Capacity[ResourceName.Memory].Value, Is.GreaterThan(0));
                Assert.That(node.Status.Images.SelectMany(i => i.Names), Does.Contain(DockerTestEnvironment.BusyboxImage));
            }
            Assert.That(nodes[1].Metadata.Labels["orchestrator.test/engine"], Is.EqualTo("second"));

            // When a Deployment of two web servers is spread over both
            await store.CreateAsync(WebDeployment());
            var spread = await WaitForPodsAsync(store, pods => pods.Count(p => p.IsReady()) == 2 &&
                pods.Where(p => p.IsReady()).Select(p => p.Spec.NodeName).Distinct().Count() == 2, "ready on both nodes");
            var moved = spread.Single(p => p.Spec.NodeName == "docker-2");

            // And the second host stops answering
            await proxy.StopAsync();

            // Then its node goes NotReady, its pod is evicted, and the Deployment is whole again on the first host
            await WaitForPodsAsync(store, pods =>
                pods.Count(p => p.IsReady() && p.Metadata.DeletionTimestamp is null && p.Spec.NodeName == "docker-1") == 2,
                "both ready on docker-1", TimeSpan.FromSeconds(90));
            var lost = (Node?)await store.GetAsync(ApiResources.For<Node>(), null, "docker-2");
            Assert.That(lost!.IsReady(), Is.False);
            Assert.That(lost.Spec.Taints.Select(t => t.Key), Does.Contain("node.kubernetes.io/unreachable"));
            var evicted = (Pod?)await store.GetAsync(ApiResources.For<Pod>(), "default", moved.Metadata.Name!);
            Assert.That(evicted is null || evicted.Metadata.DeletionTimestamp is not null, Is.True, "the pod on the lost host was evicted");
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await host.StopAsync(stop.Token);
            host.Dispose();
            // The lost host's containers still run on the second engine: remove them directly.
            await using var direct = await DockerNodes.ConnectAsync(
                Configure(new DockerRuntimeOptions { RemoveLeftovers = false }, clusterId, dataDirectory, DockerTestEnvironment.SecondHost), cancellationToken: stop.Token);
            await direct.PurgeAsync(stop.Token);
            if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static DockerRuntimeOptions Configure(DockerRuntimeOptions o, string clusterId, string dataDirectory, string secondHost)
    {
        o.ClusterId = clusterId;
        o.SandboxImage = DockerTestEnvironment.BusyboxImage;
        o.SandboxCommand.AddRange(DockerRuntimeFixture.SandboxCommand);
        o.DataDirectory = dataDirectory;
        o.MemoryDataDirectory = Path.Combine(dataDirectory, "memory");
        o.Hosts.Add(new DockerHostOptions { Name = "docker-1" });
        var second = new DockerHostOptions { Name = "docker-2", Endpoint = new DockerEndpointOptions { Host = secondHost } };
        second.Labels["orchestrator.test/engine"] = "second";
        o.Hosts.Add(second);
        return o;
    }

    private static Deployment WebDeployment()
    {
        var labels = new Dictionary<string, string> { ["app"] = "web" };
        return new Deployment
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = "default" },
            Spec = new DeploymentSpec
            {
                Replicas = 2,
                Selector = new LabelSelector { MatchLabels = labels },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = labels },
                    Spec = new PodSpec
                    {
                        TerminationGracePeriodSeconds = 2,
                        Affinity = new Affinity
                        {
                            PodAntiAffinity = new PodAntiAffinity
                            {
                                PreferredDuringSchedulingIgnoredDuringExecution =
                                [
                                    new WeightedPodAffinityTerm
                                    {
                                        Weight = 100,
                                        PodAffinityTerm = new PodAffinityTerm { LabelSelector = new LabelSelector { MatchLabels = labels }, TopologyKey = WellKnownLabels.Hostname },
                                    },
                                ],
                            },
                        },
                        Containers =
                        [
                            DockerPodCluster.Busybox("web", "httpd", "-f", "-p", "8080", "-h", "/var/www") with
                            {
                                ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/", Port = 8080 }, PeriodSeconds = 1 },
                            },
                        ],
                    },
                },
            },
        };
    }

    private static async Task<IReadOnlyList<Pod>> WaitForPodsAsync(IObjectStore store, Func<IReadOnlyList<Pod>, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        IReadOnlyList<Pod> pods = [];
        while (DateTime.UtcNow < deadline)
        {
            pods = [.. (await store.ListAsync(ApiResources.For<Pod>())).Items.Cast<Pod>().Where(p => p.Metadata.Namespace == "default")];
            if (condition(pods)) return pods;
            await Task.Delay(200);
        }
        Assert.Fail($"Timed out waiting for the pods to be {what}: {string.Join("; ", pods.Select(p => $"{p.Metadata.Name}@{p.Spec.NodeName} ready={p.IsReady()} deleting={p.Metadata.DeletionTimestamp is not null} {DockerPodCluster.Describe(p)}"))}");
        throw new InvalidOperationException("unreachable");
    }
}
