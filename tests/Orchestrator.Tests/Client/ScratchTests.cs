using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Client;
using Orchestrator.Controllers;
using Orchestrator.Manifests;
using Orchestrator.Store;
using Orchestrator.Tests.Hosting;

namespace Orchestrator.Tests.Client;

public sealed class ScratchTests
{
    [Test, CancelAfter(30_000)]
    public async Task Scratch(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        await host.Client.ApplyAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "a" } }, ct);
        var events = new List<WatchEvent<ConfigMap>>();
        var deleted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = host.Client.Watch<ConfigMap>("default").Subscribe(e =>
        {
            lock (events) events.Add(e);
            Console.Error.WriteLine($"EVT {e.Type} {e.Object.Metadata.Name}");
            if (e.Type == WatchEventType.Deleted) deleted.TrySetResult();
        }, error => Console.Error.WriteLine("ERR " + error));
        Console.Error.WriteLine("subscribed " + subscription.GetType());

        await host.Client.ApplyAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "a" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, ct);
        await host.Client.DeleteAsync<ConfigMap>("default", "a", cancellationToken: ct);
        try { await deleted.Task.WaitAsync(TimeSpan.FromSeconds(10), ct); } catch (TimeoutException) { }
        ThreadPool.GetAvailableThreads(out var w, out var io); ThreadPool.GetMaxThreads(out var mw, out var mio);
        TestContext.Out.WriteLine($"DBG threads={ThreadPool.ThreadCount} pending={ThreadPool.PendingWorkItemCount} avail={w}/{mw}");
        var direct = await host.Client.ListAsync<ConfigMap>("default", cancellationToken: ct);
        TestContext.Out.WriteLine($"DBG events={events.Count} list={string.Join(",", direct.Select(c => c.Metadata.Name))} rv={host.Client.Store.CurrentResourceVersion}");

        lock (events)
        {
            Assert.That(events.Select(e => (e.Type, e.Object.Metadata.Name)), Is.EqualTo(new[]
            {
                (WatchEventType.Added, "a"), (WatchEventType.Modified, "a"), (WatchEventType.Deleted, "a"),
            }));
        }
    }

}
