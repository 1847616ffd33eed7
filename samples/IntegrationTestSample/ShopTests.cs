using Orchestrator.Api;
using Orchestrator.Client;
using Orchestrator.Testing;

namespace IntegrationTestSample;

/// <summary>
/// How an application's integration tests use Orchestrator.Testing: one cluster for the fixture, a fresh group (its own
/// namespace) per test, so the tests may run in parallel. Simulated nodes by default; set
/// <c>ORCHESTRATOR_TEST_RUNTIME=docker</c> (and <c>ORCHESTRATOR_TEST_SANDBOX_IMAGE</c>) to run the same tests on Docker.
/// </summary>
[TestFixture, Parallelizable(ParallelScope.Children)]
public sealed class ShopTests
{
    private TestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task StartClusterAsync() => _cluster = await TestCluster.StartAsync();

    [OneTimeTearDown]
    public async Task StopClusterAsync() => await _cluster.DisposeAsync();

    [Test, CancelAfter(120_000)]
    public async Task ShopGroup_FromYaml_BecomesReady(CancellationToken ct)
    {
        // Given the shop's manifests
        var manifest = await File.ReadAllTextAsync(Path.Combine(TestContext.CurrentContext.TestDirectory, "shop.yaml"), ct);

        // When they start as a group (by default StartGroupAsync waits until every object is ready)
        await using var group = await _cluster.StartGroupAsync(new PodGroupBuilder()
            .WithManifest(manifest)
            .WithTimeout(TimeSpan.FromSeconds(90)), ct);

        // Then the API runs two ready replicas that log where they listen, and the cache has an address for the tests
        var api = await group.Client.GetAsync<Deployment>(group.Namespace, "api", ct);
        Assert.That(api!.Status!.ReadyReplicas, Is.EqualTo(2), await group.DescribeAsync(ct));
        var apiPod = (await group.GetPodsAsync("app=api", ct))[0];
        var log = new List<string>();
        await foreach (var line in group.ReadLogsAsync(apiPod.Metadata.Name!, cancellationToken: ct)) log.Add(line);
        Assert.That(log, Has.Some.Contains("api listening on :8080"));
        var cache = await group.GetEndpointAsync("cache", 6379, ct);
        Assert.That(cache.Port, Is.EqualTo(6379));
    }

    [Test, CancelAfter(120_000)]
    public async Task Pods_FromBuilders_BecomeReadyInTheirOwnNamespace(CancellationToken ct)
    {
        // Given two pods described in code
        var web = new PodBuilder("web")
            .WithImage("orchestrator-test/busybox:1.0")
            .WithCommand("httpd", "-f", "-p", "8080")
            .WithPort(8080)
            .WithReadinessTcp(8080);

        // When they start as a group
        await using var group = await _cluster.StartGroupAsync([web, web.WithName("web-2")], ct);

        // Then both are Ready, in the group's namespace only
        var pods = await group.GetPodsAsync(cancellationToken: ct);
        Assert.That(pods.Select(p => p.Metadata.Name), Is.EquivalentTo(new[] { "web", "web-2" }));
        Assert.That(pods, Has.All.Matches<Pod>(p => p.IsReady() && p.Metadata.Namespace == group.Namespace));
    }

    [Test, CancelAfter(120_000)]
    public void Pod_ThatExits_FailsTheStartWithItsExitCode()
    {
        // Given a pod that never gets ready and exits with code 3 (on simulated nodes its annotations say so; on Docker
        // its command and probe do)
        var broken = new PodBuilder("broken")
            .WithImage("orchestrator-test/busybox:1.0")
            .WithCommand("sh", "-c", "echo cannot connect; sleep 1; exit 3")
            .WithReadinessExec("false")
            .WithRestartPolicy("Never")
            .WithAnnotation("sim.orchestrator.io/fail-readiness", "true")
            .WithAnnotation("sim.orchestrator.io/exit-after", "1s")
            .WithAnnotation("sim.orchestrator.io/exit-code", "3")
            .WithAnnotation("sim.orchestrator.io/logs", "cannot connect");

        // When it is started, Then the start fails at once, saying why
        var error = Assert.ThrowsAsync<PodFailedException>(() => _cluster.StartGroupAsync([broken]));
        Assert.That(error!.Message, Does.Contain("exit code 3").Or.Contain("exited with code 3"));
        Assert.That(error.Message, Does.Contain("cannot connect"));
    }
}
