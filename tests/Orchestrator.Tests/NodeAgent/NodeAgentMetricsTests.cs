using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Orchestrator.NodeAgent;
using Orchestrator.Runtime.Simulated;
using static Orchestrator.Tests.NodeAgent.NodeAgentTestCluster;

namespace Orchestrator.Tests.NodeAgent;

[TestFixture]
[NonParallelizable]
[CancelAfter(30_000)]
public sealed class NodeAgentMetricsTests
{
    [Test]
    public async Task Metrics_PodStartsAndRestarts_AreMeasured()
    {
        var measurements = new ConcurrentQueue<(string Instrument, double Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NodeAgentDiagnostics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => measurements.Enqueue((i.Name, v)));
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => measurements.Enqueue((i.Name, v)));
        listener.SetMeasurementEventCallback<int>((i, v, _, _) => measurements.Enqueue((i.Name, v)));
        listener.Start();
        await using var cluster = await StartAsync();
        var pod = NewPod("web") with { Metadata = NewPod("web").Metadata with { Annotations = Annotations((SimulatedAnnotations.CrashLoop, "true")) } };

        await cluster.CreateAsync(pod);
        await cluster.WaitForPodAsync("web", p => p.IsReady(), "ready");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        await cluster.WaitForPodAsync("web", p => App(p).RestartCount == 1, "restarted");
        listener.RecordObservableInstruments();

        var byName = measurements.ToLookup(m => m.Instrument, m => m.Value);
        Assert.That(byName["orchestrator.nodeagent.pod.startup.duration"], Is.EqualTo(new[] { 0.0 }), "created and started at the same fake instant");
        Assert.That(byName["orchestrator.nodeagent.container.restarts"].Sum(), Is.EqualTo(1));
        Assert.That(byName["orchestrator.nodeagent.pods.running"].Sum(), Is.EqualTo(1));
        Assert.That(byName["orchestrator.nodeagent.pod.sync.duration"], Is.Not.Empty);
    }
}
