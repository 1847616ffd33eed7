using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api;
using Orchestrator.ApiServer.Tests.Testing;
using Orchestrator.Docker.Hosting;
using Orchestrator.Store;

namespace Orchestrator.ApiServer.Tests.Kubectl;

/// <summary>
/// <c>kubectl exec</c> into a real container: one Docker node on the local engine (ignored without Docker on a developer
/// machine, a failure under CI=true; the test image comes from <c>.ci/docker-env.sh</c>). Teardown purges the cluster's containers.
/// </summary>
[TestFixture]
[CancelAfter(180_000)]
[NonParallelizable]
[Category("Docker")]
public sealed class DockerExecTests
{
    private const string BusyboxImage = "orchestrator-test/busybox:1.0";
    private static readonly string[] SandboxCommand = ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait; done"];

    private ApiServerCluster _cluster = null!;
    private string _dataDirectory = "";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        KubectlRunner.Require();
        if (!File.Exists("/var/run/docker.sock") && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")))
        {
            if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail("Docker is required under CI=true.");
            Assert.Ignore("Docker is not available.");
        }
        var clusterId = "apiserver-" + Guid.NewGuid().ToString("N")[..10];
        _dataDirectory = Path.Combine(Path.GetTempPath(), "orch-apiserver-docker", clusterId);
        _cluster = await ApiServerCluster.StartAsync(orchestrator => orchestrator.AddDockerRuntime(o =>
        {
            o.ClusterId = clusterId;
            o.SandboxImage = BusyboxImage;
            o.DataDirectory = _dataDirectory;
            o.MemoryDataDirectory = Path.Combine(_dataDirectory, "memory");
            o.SandboxCommand.AddRange(SandboxCommand);
            o.Hosts.Add(new DockerHostOptions { Name = "docker-1" });
        }));
        await _cluster.Kubectl.OkAsync("apply", "-f", _cluster.WriteFile("pod.yaml", $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: real}
            spec:
              containers:
              - name: main
                image: {{BusyboxImage}}
                command: ["sh", "-c", "echo -n ready > /tmp/state; exec sleep 3600"]
                env: [{name: GREETING, value: hello from docker}]
            """));
        await ApiServerCluster.UntilAsync(async () => (await _cluster.Store.GetAsync<Pod>("default", "real"))?.Status?.Phase == PodPhase.Running,
            "the Docker pod runs");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_cluster is null) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // Stop the agents first so that nothing recreates containers, purge while the engine connection is open, then dispose.
        await _cluster.Host.StopAsync(timeout.Token);
        await _cluster.Host.Services.GetRequiredService<DockerNodes>().PurgeAsync(timeout.Token);
        await _cluster.DisposeAsync();
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }

    [Test]
    public async Task Exec_RealContainer_RunsCommandThroughShell()
    {
        var output = await _cluster.Kubectl.OkAsync("exec", "real", "--", "sh", "-c", "echo \"$GREETING\"; cat /tmp/state; echo; echo oops >&2");

        Assert.That(output, Is.EqualTo("hello from docker\nready\n"));
    }

    [Test]
    public async Task Exec_RealContainerFailure_KubectlReturnsExitCode()
    {
        var result = await _cluster.Kubectl.RunAsync("exec", "real", "--", "sh", "-c", "echo bad >&2; exit 7");

        Assert.That(result.ExitCode, Is.EqualTo(7), result.ToString());
        Assert.That(result.Stderr, Does.Contain("bad\n"));
        Assert.That(result.Stderr, Does.Contain("command terminated with exit code 7"));
    }
}
