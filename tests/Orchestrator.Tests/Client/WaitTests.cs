using System.Diagnostics;
using Orchestrator.Api;
using Orchestrator.Client;
using Orchestrator.Runtime.Simulated;
using Orchestrator.Tests.Hosting;

namespace Orchestrator.Tests.Client;

/// <summary>
/// The wait helpers on a simulated cluster: pods are programmed by their annotations to fail, crash, or never get ready,
/// and the waits must end at once or at their timeout with messages that explain why.
/// </summary>
public sealed class WaitTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    /// <summary>A one-container pod; with annotations, programmed by them, and with a readiness probe they can fail.</summary>
    private static string Pod(string name, string restartPolicy = "Always", string image = "busybox:1.36", params (string Key, string Value)[] annotations)
    {
        var metadata = annotations.Length == 0
            ? ""
            : "\n  annotations:\n" + string.Join("\n", annotations.Select(a => $"    {a.Key}: \"{a.Value.Replace("\n", "\\n")}\""));
        return $"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {name}{metadata}
            spec:
              restartPolicy: {restartPolicy}
              containers:
              - name: main
                image: {image}
                readinessProbe:
                  exec: {"{"}command: [cat, /tmp/ready]{"}"}
                  periodSeconds: 1
            """;
    }

    [Test, CancelAfter(30_000)]
    public async Task WaitForReadyAsync_PodThatFails_ThrowsPodFailedExceptionAtOnceWithItsExitCodeAndLogs(CancellationToken ct)
    {
        // Given a pod that never gets ready and exits with code 3 after writing a line
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync(Pod("migrate", "Never", annotations:
        [
            (SimulatedAnnotations.ExitAfter, "300ms"), (SimulatedAnnotations.ExitCode, "3"),
            (SimulatedAnnotations.FailReadiness, "true"), (SimulatedAnnotations.Logs, "fatal: cannot open database"),
        ]), cancellationToken: ct);

        // When the test waits for it to be ready, with a long timeout
        var stopwatch = Stopwatch.StartNew();
        var error = Assert.ThrowsAsync<PodFailedException>(() => host.Client.WaitForReadyAsync<Pod>("default", "migrate", Long, ct));

        // Then the wait fails as soon as the pod exits, saying how
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "not at the timeout");
        Assert.That(error!.Phase, Is.EqualTo(PodPhase.Failed));
        Assert.That(error.Message, Does.StartWith("Pod default/migrate will not become ready: it failed"));
        Assert.That(error.Message, Does.Contain("exited with code 3"));
        Assert.That(error.Message, Does.Contain("| fatal: cannot open database"));
        Assert.That(error.Diagnostics, Does.Contain("terminated with exit code 3"));
    }

    [Test, CancelAfter(30_000)]
    public async Task WaitForReadyAsync_PodThatSucceeds_ThrowsBecauseItWillNeverBeReady(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync(Pod("once", "Never", annotations:
            [(SimulatedAnnotations.ExitAfter, "200ms"), (SimulatedAnnotations.FailReadiness, "true")]), cancellationToken: ct);

        var error = Assert.ThrowsAsync<PodFailedException>(() => host.Client.WaitForReadyAsync<Pod>("default", "once", Long, ct));

        Assert.That(error!.Phase, Is.EqualTo(PodPhase.Succeeded));
        Assert.That(error.Message, Does.Contain("will never be Ready"));
    }

    private static IEnumerable<TestCaseData> NeverReadyPods()
    {
        yield return new TestCaseData(
            Pod("crasher", annotations: [(SimulatedAnnotations.CrashLoop, "true"), (SimulatedAnnotations.FailReadiness, "true"), (SimulatedAnnotations.ExitCode, "2"), (SimulatedAnnotations.ExitAfter, "100ms"),
                (SimulatedAnnotations.Logs, "panic: boom")]),
            "crasher",
            new[] { "Timed out after 00:00:03 waiting for Pod default/crasher to be ready", "last exit code 2", "| panic: boom", "recent Warning events", "BackOff" })
            .SetArgDisplayNames("crash-loop");
        yield return new TestCaseData(
            Pod("typo", image: "busybox:invalid-tag"),
            "typo",
            new[] { "waiting for Pod default/typo to be ready: container main is waiting", "ImagePull", "Failed to pull image" })
            .SetArgDisplayNames("bad-image");
        yield return new TestCaseData(
            Pod("slow", annotations: [(SimulatedAnnotations.FailReadiness, "true")]),
            "slow",
            new[] { "container main is running but not ready", "running, not ready" })
            .SetArgDisplayNames("never-ready");
    }

    [TestCaseSource(nameof(NeverReadyPods)), CancelAfter(30_000)]
    public async Task WaitForReadyAsync_Timeout_MessageSaysWhatWasNotReadyAndWhy(string manifest, string name, string[] expected, CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync(manifest, cancellationToken: ct);

        var error = Assert.ThrowsAsync<WaitTimeoutException>(() => host.Client.WaitForReadyAsync<Pod>("default", name, TimeSpan.FromSeconds(3), ct));

        Assert.That(error!.Timeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
        foreach (var fragment in expected) Assert.That(error.Message, Does.Contain(fragment));
    }

    [Test, CancelAfter(30_000)]
    public async Task WaitForReadyAsync_DeploymentTimeout_DescribesItsPodsThatAreNotReady(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync($"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {"{"}name: api{"}"}
            spec:
              replicas: 2
              selector: {"{"}matchLabels: {"{"}app: api{"}}"}
              template:
                metadata:
                  labels: {"{"}app: api{"}"}
                  annotations: {"{"}{SimulatedAnnotations.FailReadiness}: "true"{"}"}
                spec:
                  containers:
                  - name: main
                    image: busybox:1.36
                    readinessProbe:
                      exec: {"{"}command: [cat, /tmp/ready]{"}"}
                      periodSeconds: 1
            """, cancellationToken: ct);

        var error = Assert.ThrowsAsync<WaitTimeoutException>(() => host.Client.WaitForReadyAsync<Deployment>("default", "api", TimeSpan.FromSeconds(3), ct));

        Assert.That(error!.Message, Does.Contain("waiting for Deployment default/api to be ready: 0 of 2 updated replicas are available"));
        Assert.That(error.Message, Does.Contain("2 pods selected, 0 ready"));
        Assert.That(error.Message, Does.Contain("container main (busybox:1.36): running, not ready"));
    }

    [Test, CancelAfter(30_000)]
    public async Task WaitForCompletionAsync_JobThatSucceeds_ReturnsTheCompletedJob(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync(Job("report", exitCode: 0, backoffLimit: 0), cancellationToken: ct);

        var job = await host.Client.WaitForCompletionAsync<Job>("default", "report", Long, ct);

        Assert.That(job.FinishedConditionType(), Is.EqualTo(JobConditionType.Complete));
        Assert.That(job.Status!.Succeeded, Is.EqualTo(1));
    }

    [Test, CancelAfter(30_000)]
    public async Task WaitForCompletionAsync_JobThatFails_ThrowsWaitFailedExceptionAtOnce(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync(Job("report", exitCode: 4, backoffLimit: 0), cancellationToken: ct);

        var error = Assert.ThrowsAsync<WaitFailedException>(() => host.Client.WaitForCompletionAsync<Job>("default", "report", Long, ct));

        Assert.That(error!.Message, Does.StartWith("Job default/report will not complete: it failed"));
        Assert.That(error.Reason, Does.Contain("1 pods failed"));
        Assert.That(error.Message, Does.Contain("terminated with exit code 4"), "the failed pod is described");
    }

    [Test, CancelAfter(30_000)]
    public async Task WaitForCompletionAsync_KindThatDoesNotComplete_IsNotSupported(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);

        Assert.ThrowsAsync<NotSupportedException>(() => host.Client.WaitForCompletionAsync<Deployment>("default", "web", Long, ct));
    }

    [Test, CancelAfter(30_000)]
    public async Task WaitForConditionAsync_ObjectCreatedLater_WaitsForItAndItsCondition(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);

        var wait = host.Client.WaitForConditionAsync<ConfigMap>("default", "flags", c => c.Data.GetValueOrDefault("ready") == "yes", Long, "to say ready", ct);
        await host.Client.ApplyAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "flags" } }, ct);
        Assert.That(wait.IsCompleted, Is.False);
        await host.Client.ApplyAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "flags" }, Data = new Dictionary<string, string> { ["ready"] = "yes" } }, ct);

        var flags = await wait;
        Assert.That(flags.Data["ready"], Is.EqualTo("yes"));
    }

    [Test, CancelAfter(30_000)]
    public async Task WaitForConditionAsync_ObjectDeletedWhileAwaited_FailsAtOnce(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "flags" } }, ct);
        var wait = host.Client.WaitForConditionAsync<ConfigMap>("default", "flags", c => c.Data.ContainsKey("ready"), Long, "to say ready", ct);

        await host.Client.DeleteAsync<ConfigMap>("default", "flags", cancellationToken: ct);

        var error = Assert.ThrowsAsync<WaitFailedException>(() => wait);
        Assert.That(error!.Message, Does.StartWith("ConfigMap default/flags will not say ready: it was deleted"));
    }

    [Test, CancelAfter(30_000)]
    public async Task WaitForConditionAsync_Timeout_NamesTheGoal(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);

        var error = Assert.ThrowsAsync<WaitTimeoutException>(() =>
            host.Client.WaitForConditionAsync<ConfigMap>("default", "missing", _ => true, TimeSpan.FromMilliseconds(300), "to appear", ct));

        Assert.That(error!.Message, Does.StartWith("Timed out after 00:00:00.3000000 waiting for ConfigMap default/missing to appear: it does not exist"));
    }

    [Test, CancelAfter(30_000)]
    public async Task WaitForDeletionAsync_PodDeletedGracefully_ReturnsOnceItIsGone(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync(Pod("web"), cancellationToken: ct);
        await host.Client.WaitForReadyAsync<Pod>("default", "web", Long, ct);

        await host.Client.DeleteAsync<Pod>("default", "web", cancellationToken: ct);
        await host.Client.WaitForDeletionAsync<Pod>("default", "web", Long, ct);

        Assert.That(await host.Client.GetAsync<Pod>("default", "web", ct), Is.Null);
    }

    [Test, CancelAfter(30_000)]
    public async Task WaitForReadyAsync_AppliedObjects_WaitsForAllOfThem(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        var applied = await host.Client.ApplyAsync(Pod("a") + "\n---\n" + Pod("b") + "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
            cancellationToken: ct);

        await host.Client.WaitForReadyAsync(applied.Select(r => r.Object), Long, ct);

        var pods = await host.Client.ListAsync<Pod>("default", cancellationToken: ct);
        Assert.That(pods, Has.Count.EqualTo(2).And.All.Matches<Pod>(p => p.IsReady()));
    }

    [Test, CancelAfter(30_000)]
    public async Task WaitForReadyAsync_AppliedObjectsOneFails_FailsWithThatOne(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        var applied = await host.Client.ApplyAsync(Pod("fine") + "\n---\n" + Pod("broken", "Never", annotations:
            [(SimulatedAnnotations.StartError, "exec serve: not found")]), cancellationToken: ct);

        var error = Assert.ThrowsAsync<PodFailedException>(() => host.Client.WaitForReadyAsync(applied.Select(r => r.Object), Long, ct));

        Assert.That(error!.Name, Is.EqualTo("broken"));
        Assert.That(error.Message, Does.Contain("not found"));
    }

    [Test, CancelAfter(30_000)]
    public async Task WaitForNodesAsync_MoreThanExist_TimesOutListingTheNodes(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);

        var error = Assert.ThrowsAsync<WaitTimeoutException>(() => host.Client.WaitForNodesAsync(5, TimeSpan.FromMilliseconds(500), ct));

        Assert.That(error!.Message, Does.Contain("3 of 3 nodes are Ready, 5 wanted"));
        Assert.That(error.Message, Does.Contain("Node node-1: Ready"));
    }

    private static string Job(string name, int exitCode, int backoffLimit) => $"""
        apiVersion: batch/v1
        kind: Job
        metadata: {"{"}name: {name}{"}"}
        spec:
          backoffLimit: {backoffLimit}
          template:
            metadata:
              annotations:
                {SimulatedAnnotations.ExitAfter}: 200ms
                {SimulatedAnnotations.ExitCode}: "{exitCode}"
            spec:
              restartPolicy: Never
              containers:
              - {"{"}name: main, image: busybox:1.36{"}"}
        """;
}
