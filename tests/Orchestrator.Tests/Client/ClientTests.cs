using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Client;
using Orchestrator.Controllers;
using Orchestrator.Manifests;
using Orchestrator.Store;
using Orchestrator.Tests.Hosting;

namespace Orchestrator.Tests.Client;

/// <summary>The client's verbs (apply, get, list, watch, delete, scale, rollout, logs, exec) on a real simulated cluster.</summary>
public sealed class ClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static string Deployment(string name, int replicas, string version = "v1") => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: {{{name}}}, namespace: apps}
        spec:
          replicas: {{{replicas}}}
          selector: {matchLabels: {app: {{{name}}}}}
          template:
            metadata: {labels: {app: {{{name}}}, version: {{{version}}}}}
            spec:
              containers:
              - {name: main, image: busybox:1.36}
        """;

    private const string Namespace = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: apps}
        """;

    [Test, CancelAfter(30_000)]
    public async Task ApplyAsync_SameManifestTwice_CreatesThenLeavesUnchanged(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        var manifest = Namespace + "\n---\n" + Deployment("web", 2);

        var first = await host.Client.ApplyAsync(manifest, cancellationToken: ct);
        var second = await host.Client.ApplyAsync(manifest, cancellationToken: ct);

        Assert.That(first.Select(r => r.Action), Is.EqualTo(new[] { ApplyAction.Created, ApplyAction.Created }));
        Assert.That(second.Select(r => r.Action), Is.EqualTo(new[] { ApplyAction.Unchanged, ApplyAction.Unchanged }));
        Assert.That(first[1].ToString(), Is.EqualTo("deployment.apps/web created"));
    }

    [Test, CancelAfter(30_000)]
    public async Task ApplyAsync_ObjectWithoutNamespace_GoesToDefaultAndIsReturnedAsStored(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        var config = new ConfigMap { Metadata = new ObjectMeta { Name = "settings" }, Data = new Dictionary<string, string> { ["mode"] = "fast" } };

        var stored = await host.Client.ApplyAsync(config, ct);

        Assert.That(stored.Metadata.Namespace, Is.EqualTo("default"));
        Assert.That(stored.Metadata.Uid, Is.Not.Null.And.Not.Empty);
        var read = await host.Client.GetAsync<ConfigMap>(null, "settings", ct);
        Assert.That(read!.Data["mode"], Is.EqualTo("fast"));
    }

    [Test, CancelAfter(30_000)]
    public async Task ApplyAsync_InvalidManifest_ThrowsAndAppliesNothing(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        const string manifest = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: good}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: bad}
            spec:
              containers: []
            """;

        Assert.ThrowsAsync<ManifestException>(() => host.Client.ApplyAsync(manifest, cancellationToken: ct));

        Assert.That(await host.Client.GetAsync<ConfigMap>("default", "good", ct), Is.Null);
    }

    [Test, CancelAfter(30_000)]
    public async Task ListAsync_LabelSelector_ReturnsOnlyMatchingObjects(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync(Namespace + "\n---\n" + Deployment("web", 2) + "\n---\n" + Deployment("api", 1), cancellationToken: ct);
        await host.Client.WaitForReadyAsync<Deployment>("apps", "web", Timeout, ct);
        await host.Client.WaitForReadyAsync<Deployment>("apps", "api", Timeout, ct);

        var web = await host.Client.ListAsync<Pod>("apps", "app=web", ct);
        var all = await host.Client.ListAsync<Pod>("apps", cancellationToken: ct);

        Assert.That(web, Has.Count.EqualTo(2).And.All.Matches<Pod>(p => p.Metadata.Labels["app"] == "web"));
        Assert.That(all, Has.Count.EqualTo(3));
    }

    [Test, CancelAfter(30_000)]
    public async Task Watch_ExistingAndNewObjects_DeliversAddedThenChanges(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "a" } }, ct);
        var events = new List<WatchEvent<ConfigMap>>();
        var deleted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = host.Client.Watch<ConfigMap>("default").Subscribe(e =>
        {
            lock (events) events.Add(e);
            if (e.Type == WatchEventType.Deleted) deleted.TrySetResult();
        });

        await host.Client.ApplyAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "a" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, ct);
        await host.Client.DeleteAsync<ConfigMap>("default", "a", cancellationToken: ct);
        await deleted.Task.WaitAsync(ct);

        lock (events)
        {
            Assert.That(events.Select(e => (e.Type, e.Object.Metadata.Name)), Is.EqualTo(new[]
            {
                (WatchEventType.Added, "a"), (WatchEventType.Modified, "a"), (WatchEventType.Deleted, "a"),
            }));
        }
    }

    [Test, CancelAfter(30_000)]
    public async Task DeleteAsync_ExistingAndMissing_ReportsWhetherItExisted(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "a" } }, ct);

        Assert.That(await host.Client.DeleteAsync<ConfigMap>("default", "a", cancellationToken: ct), Is.True);
        Assert.That(await host.Client.DeleteAsync<ConfigMap>("default", "a", cancellationToken: ct), Is.False);
        Assert.That(await host.Client.GetAsync<ConfigMap>("default", "a", ct), Is.Null);
    }

    [Test, CancelAfter(30_000)]
    public async Task DeleteAsync_DeploymentInForeground_RemovesItsPodsFirst(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync(Namespace + "\n---\n" + Deployment("web", 2), cancellationToken: ct);
        await host.Client.WaitForReadyAsync<Deployment>("apps", "web", Timeout, ct);

        await host.Client.DeleteAsync<Deployment>("apps", "web", new DeleteOptions { PropagationPolicy = PropagationPolicy.Foreground }, ct);
        await host.Client.WaitForDeletionAsync<Deployment>("apps", "web", Timeout, ct);

        Assert.That(await host.Client.ListAsync<Pod>("apps", "app=web", ct), Is.Empty, "foreground deletion removes dependents before the owner");
    }

    [Test, CancelAfter(30_000)]
    public async Task ScaleAsync_Deployment_ChangesItsReadyPods(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync(Namespace + "\n---\n" + Deployment("web", 1), cancellationToken: ct);
        await host.Client.WaitForReadyAsync<Deployment>("apps", "web", Timeout, ct);

        var scaled = await host.Client.ScaleAsync<Deployment>("apps", "web", 4, ct);
        var ready = await host.Client.WaitForReadyAsync<Deployment>("apps", "web", Timeout, ct);

        Assert.That(scaled.Spec.Replicas, Is.EqualTo(4));
        Assert.That(ready.Status!.ReadyReplicas, Is.EqualTo(4));
    }

    [Test, CancelAfter(30_000)]
    public async Task ScaleAsync_KindWithoutReplicas_IsNotSupported(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);

        Assert.ThrowsAsync<NotSupportedException>(() => host.Client.ScaleAsync<ConfigMap>("default", "x", 2, ct));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Client.ScaleAsync<Deployment>("default", "x", -1, ct));
        Assert.ThrowsAsync<NotFoundException>(() => host.Client.ScaleAsync<Deployment>("default", "missing", 2, ct));
    }

    [Test, CancelAfter(60_000)]
    public async Task Rollout_UpdateUndoPauseResumeRestart_FollowKubectlSemantics(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        var client = host.Client;
        await client.ApplyAsync(Namespace + "\n---\n" + Deployment("web", 2), cancellationToken: ct);
        await client.WaitForReadyAsync<Deployment>("apps", "web", Timeout, ct);

        // A new template makes revision 2.
        await client.ApplyAsync(Deployment("web", 2, "v2"), cancellationToken: ct);
        await client.WaitForReadyAsync<Deployment>("apps", "web", Timeout, ct);
        var status = await client.GetRolloutStatusAsync<Deployment>("apps", "web", ct);
        Assert.That(status.IsComplete, Is.True, status.Message);
        var history = await client.GetRolloutHistoryAsync("apps", "web", ct);
        Assert.That(history.Select(h => h.Revision), Is.EqualTo(new long[] { 1, 2 }));

        // Undo goes back to v1's template.
        Assert.That(await client.UndoRolloutAsync("apps", "web", cancellationToken: ct), Is.EqualTo(1));
        await client.WaitForConditionAsync<Deployment>("apps", "web", d => d.Spec.Template.Metadata.Labels["version"] == "v1", Timeout,
            "to have the v1 template", ct);
        await client.WaitForReadyAsync<Deployment>("apps", "web", Timeout, ct);
        Assert.That((await client.ListAsync<Pod>("apps", "app=web", ct)).Where(p => p.Metadata.DeletionTimestamp is null),
            Has.All.Matches<Pod>(p => p.Metadata.Labels["version"] == "v1"));

        // Pause and resume report whether they changed anything.
        Assert.That(await client.PauseRolloutAsync("apps", "web", ct), Is.True);
        Assert.That(await client.PauseRolloutAsync("apps", "web", ct), Is.False);
        Assert.ThrowsAsync<RolloutException>(() => client.RestartRolloutAsync<Deployment>("apps", "web", ct));
        Assert.That(await client.ResumeRolloutAsync("apps", "web", ct), Is.True);

        // Restart stamps the template, which rolls out a new revision.
        await client.RestartRolloutAsync<Deployment>("apps", "web", ct);
        var restarted = await client.WaitForReadyAsync<Deployment>("apps", "web", Timeout, ct);
        Assert.That(restarted.Spec.Template.Metadata.Annotations, Does.ContainKey(DeploymentRollouts.RestartedAtAnnotation));
        Assert.That((await client.GetRolloutHistoryAsync("apps", "web", ct)).Max(h => h.Revision), Is.EqualTo(4));
    }

    [Test, CancelAfter(30_000)]
    public async Task ReadLogsAsync_RunningAndPreviousContainers_StreamTheirLines(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: chatty
              annotations:
                sim.orchestrator.io/logs: "starting\nlistening on 8080"
            spec:
              containers:
              - {name: main, image: busybox:1.36}
            """, cancellationToken: ct);
        await host.Client.WaitForReadyAsync<Pod>("default", "chatty", Timeout, ct);

        var all = await ToListAsync(host.Client.ReadLogsAsync("default", "chatty", cancellationToken: ct));
        var tail = await ToListAsync(host.Client.ReadLogsAsync("default", "chatty", new PodLogOptions { TailLines = 1 }, ct));

        Assert.That(all, Is.EqualTo(new[] { "starting", "listening on 8080" }));
        Assert.That(tail, Is.EqualTo(new[] { "listening on 8080" }));
        Assert.ThrowsAsync<BadRequestException>(() => ToListAsync(host.Client.ReadLogsAsync("default", "chatty", new PodLogOptions { Container = "nope" }, ct)));
        Assert.ThrowsAsync<BadRequestException>(() => ToListAsync(host.Client.ReadLogsAsync("default", "chatty", new PodLogOptions { Previous = true }, ct)));
    }

    [Test, CancelAfter(30_000)]
    public async Task ExecAsync_RunningContainer_ReturnsTheCommandsOutput(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: shell}
            spec:
              containers:
              - {name: main, image: busybox:1.36}
            """, cancellationToken: ct);
        await host.Client.WaitForReadyAsync<Pod>("default", "shell", Timeout, ct);

        var result = await host.Client.ExecAsync("default", "shell", ["echo", "hello"], cancellationToken: ct);

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Stdout.Trim(), Is.EqualTo("hello"));
    }

    [Test, CancelAfter(30_000)]
    public async Task ReadLogsAsync_ClientOverABareStore_SaysItCannotReachRuntimes(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - {name: main, image: busybox:1.36}
            """, cancellationToken: ct);
        await host.Client.WaitForReadyAsync<Pod>("default", "p", Timeout, ct);
        var bare = new OrchestratorClient(host.Client.Store);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => ToListAsync(bare.ReadLogsAsync("default", "p", cancellationToken: ct)));

        Assert.That(error!.Message, Does.Contain("cannot reach container runtimes"));
    }

    private static async Task<List<string>> ToListAsync(IAsyncEnumerable<string> lines)
    {
        var list = new List<string>();
        await foreach (var line in lines) list.Add(line);
        return list;
    }
}
