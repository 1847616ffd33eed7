using System.Collections.Concurrent;
using Orchestrator.Api;
using Orchestrator.Api.Selectors;
using Orchestrator.Controllers;
using Orchestrator.Store;
using static Orchestrator.Tests.Controllers.Framework.ControllerTestKit;

namespace Orchestrator.Tests.Controllers.Framework;

[CancelAfter(20_000)]
public sealed class SharedInformerTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web" };
    private static readonly Dictionary<string, string> Db = new() { ["app"] = "db" };

    [Test]
    public async Task WaitForSyncAsync_ExistingObjects_AreInTheCache(CancellationToken ct)
    {
        var store = await NewStoreAsync(namespaces: ["ns1", "ns2"]);
        await store.CreateAsync<Pod>(NewPod("ns1", "a", Web), ct);
        await store.CreateAsync<Pod>(NewPod("ns1", "b", Db), ct);
        await store.CreateAsync<Pod>(NewPod("ns2", "c", Web), ct);
        await using var factory = new SharedInformerFactory(store);

        var informer = factory.GetInformer<Pod>();
        await informer.WaitForSyncAsync(ct);

        var lister = informer.Lister;
        Assert.Multiple(() =>
        {
            Assert.That(informer.HasSynced, Is.True);
            Assert.That(Names(lister.List()), Is.EqualTo(new[] { "a", "b", "c" }));
            Assert.That(Names(lister.List("ns1")), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(Names(lister.List(selector: Selector.Parse("app=web"))), Is.EqualTo(new[] { "a", "c" }));
            Assert.That(Names(lister.List("ns2", Selector.Parse("app=web"))), Is.EqualTo(new[] { "c" }));
            Assert.That(Names(lister.List(selector: Selector.Parse("app!=web"))), Is.EqualTo(new[] { "b" }));
            Assert.That(lister.Get("ns2", "c")?.Metadata.Name, Is.EqualTo("c"));
            Assert.That(lister.Get(new ObjectKey("ns1", "c")), Is.Null);
            Assert.That(Names(lister.ByIndex(IndexNames.Namespace, "ns2")), Is.EqualTo(new[] { "c" }));
            Assert.That(Names(lister.ByIndex(IndexNames.Label, "app=db")), Is.EqualTo(new[] { "b" }));
            Assert.That(() => lister.ByIndex("no-such-index", "x"), Throws.ArgumentException);
        });
    }

    [Test]
    public async Task GetInformer_SameKindTwice_ReturnsTheSharedInstance()
    {
        var store = await NewStoreAsync();
        await using var factory = new SharedInformerFactory(store);

        var first = factory.GetInformer<Pod>();
        var second = factory.GetInformer<Pod>();

        Assert.That(second, Is.SameAs(first));
        Assert.That(factory.GetLister<Pod>(), Is.SameAs(first.Lister));
    }

    [Test]
    public async Task AddFieldIndexer_PodsByNodeName_FollowsUpdates(CancellationToken ct)
    {
        var store = await NewStoreAsync();
        var pod = await store.CreateAsync<Pod>(NewPod("default", "p", nodeName: "node-1"), ct);
        await store.CreateAsync<Pod>(NewPod("default", "unscheduled"), ct);
        await using var factory = new SharedInformerFactory(store);
        var informer = factory.GetInformer<Pod>();
        await informer.WaitForSyncAsync(ct);

        var index = informer.AddFieldIndexer("spec.nodeName");
        Assert.That(Names(informer.Lister.ByIndex(index, "node-1")), Is.EqualTo(new[] { "p" }), "an index added late covers cached objects");
        Assert.That(Names(informer.Lister.ByIndex(index, "")), Is.EqualTo(new[] { "unscheduled" }));

        await store.DeleteAsync<Pod>("default", "p", DeleteNow, ct);
        await store.CreateAsync<Pod>(NewPod("default", "p", nodeName: "node-2"), ct);
        await EventuallyAsync(() => informer.Lister.ByIndex(index, "node-2").Count == 1, ct, "the index follows the change");
        Assert.That(informer.Lister.ByIndex(index, "node-1"), Is.Empty);
        Assert.That(pod.Metadata.Uid, Is.Not.EqualTo(informer.Lister.Get("default", "p")!.Metadata.Uid));
    }

    [Test]
    public async Task ByIndex_OwnerUid_FindsDependents(CancellationToken ct)
    {
        var store = await NewStoreAsync();
        var owned = NewPod("default", "owned") with
        {
            Metadata = NewPod("default", "owned").Metadata with
            {
                OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs", Uid = "uid-1", Controller = true }],
            },
        };
        await store.CreateAsync<Pod>(owned, ct);
        await store.CreateAsync<Pod>(NewPod("default", "orphan"), ct);
        await using var factory = new SharedInformerFactory(store);
        var informer = factory.GetInformer<Pod>();
        await informer.WaitForSyncAsync(ct);

        Assert.That(Names(informer.Lister.ByIndex(IndexNames.OwnerUid, "uid-1")), Is.EqualTo(new[] { "owned" }));
    }

    [Test]
    public async Task AddEventHandler_Changes_AreNotifiedInOrderWithOldAndLastState(CancellationToken ct)
    {
        var store = await NewStoreAsync();
        await using var factory = new SharedInformerFactory(store);
        var informer = factory.GetInformer<Pod>();
        await informer.WaitForSyncAsync(ct);
        var seen = new ConcurrentQueue<string>();
        using var registration = informer.AddEventHandler(
            onAdd: p => seen.Enqueue($"add {p.Metadata.Name}"),
            onUpdate: (old, p) => seen.Enqueue($"update {p.Metadata.Name} {old.Metadata.Labels.GetValueOrDefault("app")}->{p.Metadata.Labels.GetValueOrDefault("app")}"),
            onDelete: p => seen.Enqueue($"delete {p.Metadata.Name} {p.Metadata.Labels.GetValueOrDefault("app")}"));

        var created = await store.CreateAsync<Pod>(NewPod("default", "a", Web), ct);
        await store.UpdateAsync<Pod>(created with { Metadata = created.Metadata with { Labels = Db } }, ct);
        await store.DeleteAsync<Pod>("default", "a", DeleteNow, ct);

        await EventuallyAsync(() => seen.Count == 3, ct, "three notifications");
        Assert.That(seen, Is.EqualTo(new[] { "add a", "update a web->db", "delete a db" }));
        Assert.That(informer.Lister.Get("default", "a"), Is.Null, "the cache is updated before handlers are told");
    }

    [Test]
    public async Task AddEventHandler_RegisteredAfterSync_GetsAnAddForEachCachedObject(CancellationToken ct)
    {
        var store = await NewStoreAsync();
        await store.CreateAsync<Pod>(NewPod("default", "a"), ct);
        await store.CreateAsync<Pod>(NewPod("default", "b"), ct);
        await using var factory = new SharedInformerFactory(store);
        var informer = factory.GetInformer<Pod>();
        await informer.WaitForSyncAsync(ct);

        var added = new ConcurrentQueue<string>();
        using var registration = informer.AddEventHandler(onAdd: p => added.Enqueue(p.Metadata.Name!));

        Assert.That(added.Order(), Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public async Task AddEventHandler_Disposed_StopsNotifications(CancellationToken ct)
    {
        var store = await NewStoreAsync();
        await using var factory = new SharedInformerFactory(store);
        var informer = factory.GetInformer<Pod>();
        await informer.WaitForSyncAsync(ct);
        var removed = new ConcurrentQueue<string>();
        var kept = new ConcurrentQueue<string>();
        var registration = informer.AddEventHandler(onAdd: p => removed.Enqueue(p.Metadata.Name!));
        using var other = informer.AddEventHandler(onAdd: p => kept.Enqueue(p.Metadata.Name!));

        registration.Dispose();
        await store.CreateAsync<Pod>(NewPod("default", "a"), ct);

        await EventuallyAsync(() => kept.Count == 1, ct, "the remaining handler is told");
        Assert.That(removed, Is.Empty);
    }

    [Test]
    public async Task AddEventHandler_HandlerThrows_DeliveryContinues(CancellationToken ct)
    {
        var store = await NewStoreAsync();
        await using var factory = new SharedInformerFactory(store);
        var informer = factory.GetInformer<Pod>();
        await informer.WaitForSyncAsync(ct);
        var seen = new ConcurrentQueue<string>();
        using var failing = informer.AddEventHandler(onAdd: _ => throw new InvalidOperationException("boom"));
        using var healthy = informer.AddEventHandler(onAdd: p => seen.Enqueue(p.Metadata.Name!));

        await store.CreateAsync<Pod>(NewPod("default", "a"), ct);
        await store.CreateAsync<Pod>(NewPod("default", "b"), ct);

        await EventuallyAsync(() => seen.Count == 2, ct, "both adds reach the healthy handler");
    }

    [Test]
    public async Task Watch_ExpiresWhileHandlerIsSlow_RelistsAndEmitsDeletesForObjectsRemovedMeanwhile(CancellationToken ct)
    {
        // A tiny history: a watcher that falls a few events behind is expired and must relist.
        var store = await NewStoreAsync(options: new InMemoryObjectStoreOptions { WatchHistorySize = 4, WatchBufferSize = 2 });
        await store.CreateAsync<Pod>(NewPod("default", "victim"), ct);
        await using var factory = new SharedInformerFactory(store);
        var informer = factory.GetInformer<Pod>();
        await informer.WaitForSyncAsync(ct);

        using var gate = new SemaphoreSlim(0);
        var blockNext = true;
        var deleted = new ConcurrentQueue<string>();
        var added = new ConcurrentQueue<string>();
        using var registration = informer.AddEventHandler(
            onAdd: p =>
            {
                added.Enqueue(p.Metadata.Name!);
                if (p.Metadata.Name == "trigger" && Volatile.Read(ref blockNext))
                {
                    Volatile.Write(ref blockNext, false);
                    gate.Wait(TimeSpan.FromSeconds(10)); // a slow handler holds up the informer's delivery
                }
            },
            onDelete: p => deleted.Enqueue(p.Metadata.Name!));

        await store.CreateAsync<Pod>(NewPod("default", "trigger"), ct);
        await EventuallyAsync(() => added.Contains("trigger"), ct, "the handler is blocked in the trigger's add");
        await store.DeleteAsync<Pod>("default", "victim", DeleteNow, ct);
        for (var i = 0; i < 20; i++) await store.CreateAsync<Pod>(NewPod("default", $"bulk-{i:00}"), ct);
        gate.Release();

        await EventuallyAsync(() => informer.Lister.List().Count == 21, ct, "the cache converges on the store");
        Assert.That(Names(informer.Lister.List()), Is.EqualTo(Names((await store.ListAsync<Pod>(cancellationToken: ct)).Items)));
        await EventuallyAsync(() => deleted.Contains("victim"), ct, "the relist notifies the delete it missed");
        Assert.That(added.Count(n => n.StartsWith("bulk-", StringComparison.Ordinal)), Is.EqualTo(20), "every missed add is notified once");
        Assert.That(informer.Lister.Get("default", "victim"), Is.Null);
        Assert.That(((SharedInformer<Pod>)informer).ListCount, Is.GreaterThan(1), "the informer relisted");
    }

    [Test]
    public async Task Resync_Period_RenotifiesCachedObjectsAsUpdates(CancellationToken ct)
    {
        var time = new Testing.FakeTimeProvider();
        var store = await NewStoreAsync(time);
        await store.CreateAsync<Pod>(NewPod("default", "a"), ct);
        await using var factory = new SharedInformerFactory(store, time, resyncPeriod: TimeSpan.FromMinutes(1));
        var informer = factory.GetInformer<Pod>();
        await informer.WaitForSyncAsync(ct);
        var resynced = new ConcurrentQueue<bool>();
        using var registration = informer.AddEventHandler(onUpdate: (old, p) => resynced.Enqueue(ReferenceEquals(old, p)));

        await EventuallyAsync(() =>
        {
            time.Advance(TimeSpan.FromMinutes(1));
            return !resynced.IsEmpty;
        }, ct, "a resync after the period");
        Assert.That(resynced, Is.All.True, "a resync passes the same object as old and new");
    }

    [Test]
    public async Task DisposeAsync_StopsInformers_AndRefusesNewOnes()
    {
        var store = await NewStoreAsync();
        var factory = new SharedInformerFactory(store);
        factory.GetInformer<Pod>();

        await factory.DisposeAsync();

        Assert.That(() => factory.GetInformer<Node>(), Throws.InstanceOf<ObjectDisposedException>());
    }

    private static string[] Names(IEnumerable<KubernetesObject> objects) => [.. objects.Select(o => o.Metadata.Name!)];
}
