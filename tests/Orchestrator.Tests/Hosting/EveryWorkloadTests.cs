using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Client;
using Orchestrator.Controllers;
using Orchestrator.Hosting;
using Orchestrator.NodeAgent;
using Orchestrator.Tests.Testing;

namespace Orchestrator.Tests.Hosting;

/// <summary>
/// The whole controller manager as <c>AddOrchestrator()</c> registers it: one manifest with every workload kind runs to
/// readiness or completion on simulated nodes, deleting its namespace removes everything, and stopping the host ends
/// every component and leaves no timer behind. The cluster runs on a fake clock that the test moves one second at a time,
/// so the CronJob fires and the Job's pods exit without waiting on the wall clock.
/// </summary>
public sealed class EveryWorkloadTests
{
    private const string Manifest = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: kinds}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: kinds}
        data: {MODE: test}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: kinds}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: busybox:1.36
                envFrom: [{configMapRef: {name: settings}}]
        ---
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata: {name: cache, namespace: kinds}
        spec:
          replicas: 2
          selector: {matchLabels: {app: cache}}
          template:
            metadata: {labels: {app: cache}}
            spec:
              containers: [{name: cache, image: busybox:1.36}]
        ---
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: legacy, namespace: kinds}
        spec:
          replicas: 1
          selector: {app: legacy}
          template:
            metadata: {labels: {app: legacy}}
            spec:
              containers: [{name: legacy, image: busybox:1.36}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: kinds}
        spec:
          clusterIP: None
          selector: {app: db}
          ports: [{port: 5432}]
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: kinds}
        spec:
          serviceName: db
          replicas: 2
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              containers:
              - name: db
                image: busybox:1.36
                volumeMounts: [{name: data, mountPath: /data}]
          volumeClaimTemplates:
          - metadata: {name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent, namespace: kinds}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec:
              containers: [{name: agent, image: busybox:1.36}]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: batch, namespace: kinds}
        spec:
          completions: 2
          parallelism: 2
          template:
            metadata:
              annotations: {sim.orchestrator.io/exit-after: 2s}
            spec:
              restartPolicy: Never
              containers: [{name: batch, image: busybox:1.36}]
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: tick, namespace: kinds}
        spec:
          schedule: "* * * * *"
          jobTemplate:
            spec:
              template:
                metadata:
                  annotations: {sim.orchestrator.io/exit-after: 1s}
                spec:
                  restartPolicy: Never
                  containers: [{name: tick, image: busybox:1.36}]
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: scratch, namespace: kinds}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
        """;

    /// <summary>Every controller <c>AddOrchestrator</c> registers, by the name it logs and reports metrics under.</summary>
    private static readonly string[] Controllers =
    [
        "namespace-controller", "node-lifecycle-controller", "replicaset-controller", "replication-controller",
        "deployment-controller", "statefulset-controller", "daemonset-controller", "job-controller", "cronjob-controller",
        "persistentvolume-binder-controller", "persistentvolume-reclaimer", "endpoint-controller",
    ];

    [Test, CancelAfter(90_000)]
    public async Task AddOrchestrator_OneOfEveryWorkloadKind_AllRunAndTheHostStopsWithNothingLeft(CancellationToken ct)
    {
        // Given a host built as an application builds one: AddOrchestrator, three simulated nodes, a fake clock just
        // before a minute boundary (the CronJob's first run)
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 50, TimeSpan.Zero));
        var volumes = Path.Combine(Path.GetTempPath(), $"orch-kinds-{Guid.NewGuid():N}");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestrator:NodeAgent:BackOffBase"] = "00:00:00.100",
            ["Orchestrator:NodeAgent:BackOffMax"] = "00:00:01",
        });
        builder.Services.AddLogging();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddOrchestrator().AddSimulatedNodes(3, o => o.PreloadedImages.Add(OrchestratorHost.Image));
        builder.Services.Configure<PersistentVolumeBinderOptions>(o => o.ProvisioningDirectory = volumes);
        var host = builder.Build();
        var client = host.Services.GetRequiredService<IOrchestratorClient>();
        try
        {
            await host.StartAsync(ct);

            // Then every controller, the scheduler, the garbage collector and the node agents run as hosted services
            var hosted = host.Services.GetServices<IHostedService>().ToList();
            Assert.That(hosted.OfType<Controller>().Select(c => c.Name), Is.SupersetOf(Controllers));
            Assert.That(hosted.Select(h => h.GetType().Name), Is.SupersetOf(new[] { "Scheduler", "GarbageCollector", "NodeAgentHostedService" }));
            await UntilAsync(time, async () => (await client.ListAsync<Node>(cancellationToken: ct)).Count(n => n.IsReady()) == 3
                ? WaitState.Satisfied : WaitState.Pending("fewer than 3 nodes Ready"), "three nodes are Ready", ct);

            // When the manifest with one of every workload kind is applied
            var applied = await client.ApplyAsync(Manifest, cancellationToken: ct);
            Assert.That(applied, Has.Count.EqualTo(11));

            // Then each reaches its goal: long-running workloads Ready, the Job and the CronJob's first run complete,
            // claims (the StatefulSet's and the standalone one) bound to provisioned volumes
            await UntilAsync(time, async () =>
            {
                var states = new List<(string What, WaitState State)>();
                foreach (var result in applied.Where(r => r.Object is not (Job or CronJob)))
                {
                    var current = await client.Store.GetAsync(ApiResources.For(result.Object.GetType()), result.Object.Metadata.Namespace, result.Object.Metadata.Name!, ct);
                    states.Add(($"{result.Object.Kind}/{result.Object.Metadata.Name}", Readiness.Ready(current)));
                }
                states.Add(("Job/batch", Readiness.Completed(await client.GetAsync<Job>("kinds", "batch", ct))));
                var tick = await client.GetAsync<CronJob>("kinds", "tick", ct);
                states.Add(("CronJob/tick", tick?.Status?.LastSuccessfulTime is null ? WaitState.Pending("no run has succeeded") : WaitState.Satisfied));
                states.Add(("DaemonSet pods", (await client.ListAsync<Pod>("kinds", "app=agent", ct)).Count(p => p.IsReady()) == 3
                    ? WaitState.Satisfied : WaitState.Pending("not one Ready pod per node")));
                var pending = states.Where(s => s.State.Outcome != WaitOutcome.Satisfied).Select(s => $"{s.What}: {s.State.Reason}").ToList();
                return pending.Count == 0 ? WaitState.Satisfied : WaitState.Pending(string.Join("; ", pending));
            }, "every workload is Ready or Complete", ct);
            var claims = await client.ListAsync<PersistentVolumeClaim>("kinds", cancellationToken: ct);
            Assert.That(claims.Select(c => c.Metadata.Name), Is.EquivalentTo(new[] { "scratch", "data-db-0", "data-db-1" }));
            Assert.That(claims, Has.All.Matches<PersistentVolumeClaim>(c => c.IsBound()));

            // When the namespace is deleted
            await client.DeleteAsync<Namespace>(null, "kinds", cancellationToken: ct);

            // Then the namespace controller and the garbage collector remove everything in it, and the provisioned
            // volumes (reclaim policy Delete) go with their claims
            await UntilAsync(time, async () =>
            {
                var ns = await client.GetAsync<Namespace>(null, "kinds", ct);
                var pods = await client.ListAsync<Pod>("kinds", cancellationToken: ct);
                var pvs = await client.ListAsync<PersistentVolume>(cancellationToken: ct);
                return ns is null && pods.Count == 0 && pvs.Count == 0
                    ? WaitState.Satisfied
                    : WaitState.Pending($"namespace {(ns is null ? "gone" : ns.Status?.Phase)}, {pods.Count} pods, {pvs.Count} volumes left");
            }, "the namespace and its volumes are gone", ct);

            // When the host stops
            var components = hosted.OfType<BackgroundService>().Append(host.Services.GetRequiredService<NodeAgentHost>()).ToList();
            Assert.That(time.ActiveTimers, Is.GreaterThan(0), "heartbeats, resyncs and back-offs run on the clock while the host runs");
            await host.StopAsync(ct);

            // Then every component's loop ended without an error, and no timer is left on the clock
            Assert.That(components.Select(c => (c.GetType().Name, c.ExecuteTask?.Status)),
                Has.All.Matches<(string, TaskStatus? Status)>(c => c.Status == TaskStatus.RanToCompletion));
            host.Dispose();
            Assert.That(time.ActiveTimers, Is.Zero, "timers left on the clock after the host stopped and was disposed");
        }
        finally
        {
            host.Dispose();
            if (Directory.Exists(volumes)) Directory.Delete(volumes, recursive: true);
        }
    }

    /// <summary>
    /// Moves the fake clock one second at a time (heartbeats, probes, exits and the cron schedule follow it) until
    /// <paramref name="state"/> is satisfied; fails with the last reason when the test's token runs out.
    /// </summary>
    private static async Task UntilAsync(FakeTimeProvider time, Func<Task<WaitState>> state, string what, CancellationToken ct)
    {
        var last = WaitState.Pending("not checked");
        try
        {
            while (true)
            {
                last = await state();
                if (last.Outcome == WaitOutcome.Satisfied) return;
                if (last.Outcome == WaitOutcome.Failed) Assert.Fail($"{what}: {last.Reason}");
                time.Advance(TimeSpan.FromSeconds(1));
                // Real time for the components to act on what the clock fired; the loop is bounded by the test's token.
                await Task.Delay(20, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Assert.Fail($"Timed out waiting until {what}: {last.Reason}");
        }
    }
}
