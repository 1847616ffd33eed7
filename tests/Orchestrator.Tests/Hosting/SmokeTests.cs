using Orchestrator.Api;

namespace Orchestrator.Tests.Hosting;

public sealed class SmokeTests
{
    [Test, CancelAfter(30_000)]
    public async Task AddOrchestrator_DeploymentFromYaml_BecomesReady(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync("""
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
            """, cancellationToken: ct);
        var web = await host.Client.WaitForReadyAsync<Deployment>("default", "web", TimeSpan.FromSeconds(20), ct);
        Assert.That(web.Status!.AvailableReplicas, Is.EqualTo(3));
    }
}
