using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Orchestrator.Api;
using Orchestrator.Hosting;

namespace Orchestrator.Tests.Hosting;

[NonParallelizable] // Listens to process-wide meters and activity sources.
public sealed class DiagnosticsTests
{
    [Test, CancelAfter(60_000)]
    public async Task OrchestratorDiagnostics_RunningCluster_NamesEveryMeterAndActivitySourceItUses(CancellationToken ct)
    {
        // Given listeners for everything named Orchestrator.*
        var meters = new ConcurrentDictionary<string, byte>();
        var sources = new ConcurrentDictionary<string, byte>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name.StartsWith("Orchestrator.", StringComparison.Ordinal)) meters[instrument.Meter.Name] = 0;
            },
        };
        meterListener.Start();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Orchestrator.", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = activity => sources[activity.Source.Name] = 0,
        };
        ActivitySource.AddActivityListener(activityListener);

        // When a cluster runs a Deployment and the client waits for it
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: busybox:1.36}]
            """, cancellationToken: ct);
        await host.Client.WaitForReadyAsync<Deployment>("default", "web", TimeSpan.FromSeconds(20), ct);

        // Then what the components publish is what OrchestratorDiagnostics lists
        Assert.That(meters.Keys, Is.EquivalentTo(OrchestratorDiagnostics.MeterNames));
        Assert.That(sources.Keys, Is.SupersetOf(OrchestratorDiagnostics.ActivitySourceNames));
    }
}
