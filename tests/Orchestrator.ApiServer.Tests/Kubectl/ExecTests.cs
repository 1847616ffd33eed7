using Orchestrator.Api;
using Orchestrator.ApiServer.Tests.Testing;
using Orchestrator.Store;

namespace Orchestrator.ApiServer.Tests.Kubectl;

/// <summary><c>kubectl exec</c> over the WebSocket remote-command protocol, against pods of the simulated runtime.</summary>
[TestFixture]
[CancelAfter(120_000)]
[NonParallelizable]
public sealed class ExecTests
{
    private ApiServerCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        KubectlRunner.Require();
        _cluster = await ApiServerCluster.StartAsync(nodes: 1);
        await _cluster.Kubectl.OkAsync("apply", "-f", _cluster.WriteFile("pod.yaml", """
            apiVersion: v1
            kind: Pod
            metadata: {name: shell}
            spec:
              containers:
              - name: main
                image: busybox
                env: [{name: MODE, value: prod}]
              - name: side
                image: busybox
                env: [{name: MODE, value: side}]
            """));
        await ApiServerCluster.UntilAsync(async () => (await _cluster.Store.GetAsync<Pod>("default", "shell"))?.Status?.Phase == PodPhase.Running,
            "the pod runs");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Test]
    public async Task Exec_Echo_PrintsCommandOutput()
    {
        var output = await _cluster.Kubectl.OkAsync("exec", "shell", "--", "echo", "hello", "world");

        Assert.That(output, Is.EqualTo("hello world\n"));
    }

    [Test]
    public async Task Exec_Container_RunsInThatContainer()
    {
        Assert.That(await _cluster.Kubectl.OkAsync("exec", "shell", "--", "printenv", "MODE"), Is.EqualTo("prod\n"));
        Assert.That(await _cluster.Kubectl.OkAsync("exec", "shell", "-c", "side", "--", "printenv", "MODE"), Is.EqualTo("side\n"));
    }

    [Test]
    public async Task Exec_NonZeroExit_KubectlExitsWithThatCodeAndShowsStderr()
    {
        var result = await _cluster.Kubectl.RunAsync("exec", "shell", "--", "cat", "/missing");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("cat: /missing: No such file or directory"));
        Assert.That(result.Stderr, Does.Contain("command terminated with exit code 1"));
        Assert.That(result.Stdout, Is.Empty);
    }

    [Test]
    public async Task Exec_WithStdin_RunsAndCompletes()
    {
        var result = await _cluster.Kubectl.RunWithInputAsync("ignored input\n", "exec", "-i", "shell", "--", "echo", "ok");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Is.EqualTo("ok\n"));
    }

    [Test]
    public async Task Exec_UnknownContainer_ReportsBadRequest()
    {
        var result = await _cluster.Kubectl.RunAsync("exec", "shell", "-c", "nope", "--", "true");

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("container nope is not valid for pod shell"));
    }

    [Test]
    public async Task Exec_MissingPod_ReportsNotFound()
    {
        var result = await _cluster.Kubectl.RunAsync("exec", "ghost", "--", "true");

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("pods \"ghost\" not found"));
    }
}
