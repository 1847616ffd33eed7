using System.Diagnostics;
using Orchestrator.Api;

namespace Orchestrator.Testing.Tests;

public sealed class TeardownProbe
{
    [Test, CancelAfter(120_000), Explicit]
    public async Task Probe(CancellationToken ct)
    {
        var sw0 = Stopwatch.StartNew();
        await using var cluster = await TestCluster.StartAsync(ct);
        var group = await cluster.StartGroupAsync(File.ReadAllText("/work/main/samples/IntegrationTestSample/shop.yaml"), ct);
        TestContext.Out.WriteLine($"started {sw0.Elapsed}");
        var sw = Stopwatch.StartNew();
        var task = group.DisposeAsync().AsTask();
        while (!task.IsCompleted)
        {
            await Task.Delay(500, ct);
            var ns = await cluster.Client.GetAsync<Namespace>(null, group.Namespace, ct);
            TestContext.Out.WriteLine($"{sw.Elapsed}: {(ns is null ? "gone" : string.Join("; ", ns.Status?.Conditions.Select(c => $"{c.Type}={c.Status} {c.Message}") ?? []))} fin={string.Join(",", ns?.Spec.Finalizers ?? [])}");
            foreach (var p in await cluster.Client.ListAsync<Pod>(group.Namespace, cancellationToken: ct)) TestContext.Out.WriteLine($"  pod {p.Metadata.Name} {p.Status?.Phase} del={p.Metadata.DeletionTimestamp} fin={string.Join(",", p.Metadata.Finalizers)}");
        }
        TestContext.Out.WriteLine($"done {sw.Elapsed}");
    }
}
