using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Client;
using Orchestrator.Controllers;
using Orchestrator.Hosting;
using Orchestrator.NodeAgent;
using Orchestrator.Store;

namespace Orchestrator.Tests.Hosting;

public sealed class HostingLifecycleTests
{
    private const string Web = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - {name: web, image: busybox:1.36}
        """;

    [Test, CancelAfter(60_000)]
    public async Task AddOrchestrator_AppliedDeployment_RunsOnTheSimulatedNodes(CancellationToken ct)
    {
        // Given a host built with AddOrchestrator and three simulated nodes
        await using var host = await OrchestratorHost.StartAsync(ct: ct);

        // When a Deployment is applied
        await host.Client.ApplyAsync(Web, cancellationToken: ct);

        // Then it rolls out, its pods spread over the nodes by the scheduler
        var web = await host.Client.WaitForReadyAsync<Deployment>("default", "web", TimeSpan.FromSeconds(20), ct);
        Assert.That(web.Status!.AvailableReplicas, Is.EqualTo(3));
        var pods = await host.Client.ListAsync<Pod>("default", "app=web", ct);
        Assert.That(pods.Select(p => p.Spec.NodeName).Distinct().Count(), Is.EqualTo(3), "pods spread over the three nodes");
    }

    [Test, CancelAfter(60_000)]
    public async Task StopAsync_RunningCluster_StopsPromptlyWithNothingLeftRunning(CancellationToken ct)
    {
        // Given a running cluster with work on it
        var host = OrchestratorHost.Build();
        await host.StartAsync(ct);
        var client = host.Services.GetRequiredService<IOrchestratorClient>();
        await client.WaitForNodesAsync(3, TimeSpan.FromSeconds(20), ct);
        await client.ApplyAsync(Web, cancellationToken: ct);
        await client.WaitForReadyAsync<Deployment>("default", "web", TimeSpan.FromSeconds(20), ct);
        var components = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        Assert.That(components, Has.Count.GreaterThanOrEqualTo(12), "the scheduler and every controller run as hosted services");
        Assert.That(components.Select(c => c.ExecuteTask), Has.All.Matches<Task?>(t => t is { IsCompleted: false }), "all running before the stop");

        // When the host stops
        var stopwatch = Stopwatch.StartNew();
        await host.StopAsync(ct);
        stopwatch.Stop();

        // Then it stopped quickly, every loop ended without failing, and the informers (and their watches) are gone
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(components.Select(c => c.ExecuteTask), Has.All.Matches<Task?>(t => t is { IsCompletedSuccessfully: true }));
        Assert.That(host.Services.GetRequiredService<NodeAgentHost>().ExecuteTask, Is.Not.Null.And.Property(nameof(Task.IsCompleted)).True);
        Assert.Throws<ObjectDisposedException>(() => host.Services.GetRequiredService<SharedInformerFactory>().GetInformer<Pod>());
        host.Dispose();
    }

    [Test, CancelAfter(60_000)]
    public async Task HealthCheck_ThroughTheLifecycle_ReportsStoreComponentsAndNodes(CancellationToken ct)
    {
        // Given a started cluster with three Ready nodes
        var host = OrchestratorHost.Build();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await host.StartAsync(ct);
        await host.Services.GetRequiredService<IOrchestratorClient>().WaitForNodesAsync(3, TimeSpan.FromSeconds(20), ct);

        // When its health is checked, Then it is healthy and says so with numbers
        var report = await UntilHealthyAsync(health, ct);
        var entry = report.Entries[OrchestratorHealthCheck.Name];
        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Healthy), entry.Description);
        Assert.That(entry.Data["nodesReady"], Is.EqualTo(3));
        Assert.That(entry.Description, Does.Contain("3/3 nodes Ready"));

        // When the host has stopped, Then the check reports the stopped components
        await host.StopAsync(ct);
        var stopped = (await health.CheckHealthAsync(ct)).Entries[OrchestratorHealthCheck.Name];
        Assert.That(stopped.Status, Is.EqualTo(HealthStatus.Unhealthy));
        host.Dispose();
    }

    [Test, CancelAfter(60_000)]
    public async Task HealthCheck_NoNodes_IsDegradedBecausePodsCannotRun(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(nodes: 0, ct: ct);
        var health = host.Host.Services.GetRequiredService<HealthCheckService>();

        var report = await UntilSettledAsync(health, ct);

        var entry = report.Entries[OrchestratorHealthCheck.Name];
        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(entry.Description, Does.Contain("no nodes"));
    }

    [Test]
    public void AddOrchestrator_CalledTwice_RegistersEveryComponentOnce()
    {
        var services = new ServiceCollection();
        services.AddOrchestrator();
        var count = services.Count;

        services.AddOrchestrator(o => o.Client = o.Client with { DiagnosticLogLines = 3 });

        Assert.That(services.Count, Is.EqualTo(count + 1), "only the second delegate is added");
        using var provider = services.AddLogging().BuildServiceProvider();
        Assert.That(provider.GetRequiredService<IObjectStore>(), Is.SameAs(provider.GetRequiredService<InMemoryObjectStore>()));
        Assert.That(provider.GetRequiredService<IObjectReader>(), Is.SameAs(provider.GetRequiredService<IObjectStore>()));
    }

    [Test]
    public void AddOrchestrator_StoreRegisteredBefore_IsTheStoreEveryComponentUses()
    {
        using var own = new InMemoryObjectStore();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IObjectStore>(own);

        services.AddOrchestrator();

        using var provider = services.BuildServiceProvider();
        Assert.That(provider.GetRequiredService<IObjectReader>(), Is.SameAs(own));
        Assert.That(provider.GetRequiredService<IObjectWriter>(), Is.SameAs(own));
        Assert.That(provider.GetRequiredService<IOrchestratorClient>().Store, Is.SameAs(own));
    }

    /// <summary>Checks until no component is still starting (bounded by the test's token).</summary>
    private static async Task<HealthReport> UntilSettledAsync(HealthCheckService health, CancellationToken ct)
    {
        while (true)
        {
            var report = await health.CheckHealthAsync(ct);
            var description = report.Entries[OrchestratorHealthCheck.Name].Description ?? "";
            if (!description.Contains("starting") && !description.Contains("syncing") && !description.Contains("not started")) return report;
            await Task.Delay(20, ct);
        }
    }

    private static async Task<HealthReport> UntilHealthyAsync(HealthCheckService health, CancellationToken ct)
    {
        var report = await UntilSettledAsync(health, ct);
        while (report.Status != HealthStatus.Healthy && !ct.IsCancellationRequested)
        {
            await Task.Delay(20, ct);
            report = await health.CheckHealthAsync(ct);
        }
        return report;
    }
}
