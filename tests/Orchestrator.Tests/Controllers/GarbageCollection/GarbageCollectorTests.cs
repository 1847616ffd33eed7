using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Store;
using static Orchestrator.Tests.Controllers.GarbageCollection.ControllerHost;

namespace Orchestrator.Tests.Controllers.GarbageCollection;

[CancelAfter(20_000)]
public sealed class GarbageCollectorTests
{
    private const string Ns = "default";
    private const string Hold = "test.orchestrator.io/hold";

    private InMemoryObjectStore _store = null!;
    private IHost _host = null!;

    [SetUp]
    public async Task SetUp()
    {
        _store = new InMemoryObjectStore(TimeProvider.System);
        _host = await StartAsync(_store, TimeProvider.System, services => services.AddGarbageCollector(o => o.Workers = 1), CancellationToken.None);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        _store.Dispose();
    }

    [Test]
    public async Task Delete_BackgroundPropagation_DeletesOwnerAtOnceThenItsDependents(CancellationToken ct)
    {
        var rs = await _store.CreateAsync(NewReplicaSet(Ns, "web"), ct);
        await _store.CreateAsync(NewPod(Ns, "web-1", OwnerRef(rs)), ct);
        await _store.CreateAsync(NewPod(Ns, "web-2", OwnerRef(rs)), ct);
        var unrelated = await _store.CreateAsync(NewPod(Ns, "other"), ct);

        var remaining = await _store.DeleteAsync<ReplicaSet>(Ns, "web", cancellationToken: ct);

        Assert.That(remaining, Is.Null, "background deletion removes the owner at once");
        await _store.UntilGoneAsync<Pod>(Ns, "web-1", ct);
        await _store.UntilGoneAsync<Pod>(Ns, "web-2", ct);
        Assert.That((await _store.GetAsync<Pod>(Ns, "other", ct))?.Metadata.Uid, Is.EqualTo(unrelated.Metadata.Uid), "objects without owners stay");
    }

    [Test]
    public async Task Delete_ForegroundPropagation_OwnerStaysUntilBlockingDependentsAreGone(CancellationToken ct)
    {
        var rs = await _store.CreateAsync(NewReplicaSet(Ns, "web"), ct);
        await _store.CreateAsync(NewPod(Ns, "web-1", OwnerRef(rs, blockOwnerDeletion: true)), ct);
        var held = NewPod(Ns, "web-held", OwnerRef(rs, blockOwnerDeletion: true));
        await _store.CreateAsync(held with { Metadata = held.Metadata with { Finalizers = [Hold] } }, ct);

        var deleting = await _store.DeleteAsync<ReplicaSet>(Ns, "web", new DeleteOptions { PropagationPolicy = PropagationPolicy.Foreground }, ct);
        Assert.That(deleting?.Metadata.Finalizers, Does.Contain("foregroundDeletion"));

        await _store.UntilGoneAsync<Pod>(Ns, "web-1", ct);
        await UntilAsync(async () => (await _store.GetAsync<Pod>(Ns, "web-held", ct))?.Metadata.DeletionTimestamp is not null, ct,
            "the held dependent is being deleted");
        var owner = await _store.GetAsync<ReplicaSet>(Ns, "web", ct);
        Assert.That(owner?.Metadata.DeletionTimestamp, Is.Not.Null, "the owner waits while a blocking dependent exists");
        Assert.That(owner!.Metadata.Finalizers, Does.Contain("foregroundDeletion"));

        await _store.ReleaseAsync<Pod>(Ns, "web-held", ct);
        await _store.UntilGoneAsync<ReplicaSet>(Ns, "web", ct);
    }

    [Test]
    public async Task Delete_ForegroundPropagation_NonBlockingDependentDoesNotHoldTheOwner(CancellationToken ct)
    {
        var rs = await _store.CreateAsync(NewReplicaSet(Ns, "web"), ct);
        var held = NewPod(Ns, "web-held", OwnerRef(rs));
        await _store.CreateAsync(held with { Metadata = held.Metadata with { Finalizers = [Hold] } }, ct);

        await _store.DeleteAsync<ReplicaSet>(Ns, "web", new DeleteOptions { PropagationPolicy = PropagationPolicy.Foreground }, ct);

        await _store.UntilGoneAsync<ReplicaSet>(Ns, "web", ct);
        await UntilAsync(async () => (await _store.GetAsync<Pod>(Ns, "web-held", ct))?.Metadata.DeletionTimestamp is not null, ct,
            "the dependent is deleted too, without blocking its owner");
    }

    [Test]
    public async Task Delete_OrphanPropagation_DependentsStayWithoutTheReference(CancellationToken ct)
    {
        var rs = await _store.CreateAsync(NewReplicaSet(Ns, "web"), ct);
        var other = await _store.CreateAsync(NewConfigMap(Ns, "other-owner"), ct);
        await _store.CreateAsync(NewPod(Ns, "web-1", OwnerRef(rs)), ct);
        await _store.CreateAsync(NewPod(Ns, "web-2", OwnerRef(rs), OwnerRef(other) with { Controller = null }), ct);

        var deleting = await _store.DeleteAsync<ReplicaSet>(Ns, "web", new DeleteOptions { PropagationPolicy = PropagationPolicy.Orphan }, ct);
        Assert.That(deleting?.Metadata.Finalizers, Does.Contain("orphan"));

        await _store.UntilGoneAsync<ReplicaSet>(Ns, "web", ct);
        var pod1 = await _store.GetAsync<Pod>(Ns, "web-1", ct);
        var pod2 = await _store.GetAsync<Pod>(Ns, "web-2", ct);
        Assert.That(pod1?.Metadata.OwnerReferences, Is.Empty, "the orphaned dependent stays, without its reference");
        Assert.That(pod2?.Metadata.OwnerReferences.Select(r => r.Uid), Is.EqualTo(new[] { other.Metadata.Uid }), "other owners are kept");

        // The orphans are not collected later either: a sync point through the single worker proves the collector moved on.
        await _store.CreateAsync(NewPod(Ns, "probe", new OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "ghost", Uid = "ghost-uid" }), ct);
        await _store.UntilGoneAsync<Pod>(Ns, "probe", ct);
        Assert.That(await _store.GetAsync<Pod>(Ns, "web-1", ct), Is.Not.Null);
    }

    [Test]
    public async Task Reconcile_DanglingReferences_DependentIsCollected(CancellationToken ct)
    {
        var live = await _store.CreateAsync(NewConfigMap(Ns, "live"), ct);
        var missing = new OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "ghost", Uid = "ghost-uid" };
        var wrongUid = OwnerRef(live) with { Uid = "uid-of-an-earlier-live" };

        await _store.CreateAsync(NewPod(Ns, "no-owner-object", missing), ct);
        await _store.CreateAsync(NewPod(Ns, "owner-recreated", wrongUid), ct);
        await _store.CreateAsync(NewPod(Ns, "one-live-owner", missing, OwnerRef(live) with { Controller = null }), ct);

        await _store.UntilGoneAsync<Pod>(Ns, "no-owner-object", ct);
        await _store.UntilGoneAsync<Pod>(Ns, "owner-recreated", ct);
        await UntilAsync(async () => (await _store.GetAsync<Pod>(Ns, "one-live-owner", ct))?.Metadata.OwnerReferences.Count == 1, ct,
            "a dependent with a live owner stays and loses only the dangling reference");
        var kept = await _store.GetAsync<Pod>(Ns, "one-live-owner", ct);
        Assert.That(kept!.Metadata.OwnerReferences[0].Uid, Is.EqualTo(live.Metadata.Uid));
    }

    [Test]
    public async Task Delete_MultiLevelChainInBackground_CollectsEveryLevel(CancellationToken ct)
    {
        var deployment = await _store.CreateAsync(NewConfigMap(Ns, "deployment-like"), ct);
        var rs = await _store.CreateAsync(NewReplicaSet(Ns, "web-abc", OwnerRef(deployment)), ct);
        await _store.CreateAsync(NewPod(Ns, "web-abc-1", OwnerRef(rs)), ct);
        await _store.CreateAsync(NewPod(Ns, "web-abc-2", OwnerRef(rs)), ct);

        await _store.DeleteAsync<ConfigMap>(Ns, "deployment-like", cancellationToken: ct);

        await _store.UntilGoneAsync<ReplicaSet>(Ns, "web-abc", ct);
        await _store.UntilGoneAsync<Pod>(Ns, "web-abc-1", ct);
        await _store.UntilGoneAsync<Pod>(Ns, "web-abc-2", ct);
    }

    [Test]
    public async Task Delete_MultiLevelChainInForeground_EachLevelWaitsForTheOneBelow(CancellationToken ct)
    {
        var top = await _store.CreateAsync(NewConfigMap(Ns, "top"), ct);
        var middle = await _store.CreateAsync(NewReplicaSet(Ns, "middle", OwnerRef(top, blockOwnerDeletion: true)), ct);
        var leaf = NewPod(Ns, "leaf", OwnerRef(middle, blockOwnerDeletion: true));
        await _store.CreateAsync(leaf with { Metadata = leaf.Metadata with { Finalizers = [Hold] } }, ct);

        await _store.DeleteAsync<ConfigMap>(Ns, "top", new DeleteOptions { PropagationPolicy = PropagationPolicy.Foreground }, ct);

        await UntilAsync(async () => (await _store.GetAsync<Pod>(Ns, "leaf", ct))?.Metadata.DeletionTimestamp is not null, ct,
            "the deletion reaches the leaf");
        var middleNow = await _store.GetAsync<ReplicaSet>(Ns, "middle", ct);
        Assert.That(middleNow?.Metadata.Finalizers, Does.Contain("foregroundDeletion"), "the middle level is deleted in the foreground too");
        Assert.That(await _store.GetAsync<ConfigMap>(Ns, "top", ct), Is.Not.Null, "the top waits for the middle");

        await _store.ReleaseAsync<Pod>(Ns, "leaf", ct);
        await _store.UntilGoneAsync<ReplicaSet>(Ns, "middle", ct);
        await _store.UntilGoneAsync<ConfigMap>(Ns, "top", ct);
    }

    [Test]
    public async Task Delete_ClusterScopedOwner_CollectsNamespacedDependents(CancellationToken ct)
    {
        var role = await _store.CreateAsync(new ClusterRole { Metadata = new ObjectMeta { Name = "owner-role" } }, ct);
        await _store.CreateAsync(NewConfigMap(Ns, "config", OwnerRef(role)), ct);

        await _store.DeleteAsync<ClusterRole>(null, "owner-role", cancellationToken: ct);

        await _store.UntilGoneAsync<ConfigMap>(Ns, "config", ct);
    }

    [Test]
    public async Task Reconcile_UnresolvableOwners_DependentIsKeptAndInvalidNamespaceIsReported(CancellationToken ct)
    {
        var pod = await _store.CreateAsync(NewPod(Ns, "owner-pod"), ct);
        await _store.CreateAsync(new ClusterRole { Metadata = new ObjectMeta { Name = "invalid", OwnerReferences = [OwnerRef(pod)] } }, ct);
        await _store.CreateAsync(NewPod(Ns, "unknown-kind", new OwnerReference { ApiVersion = "example.com/v1", Kind = "Widget", Name = "w", Uid = "w-uid" }), ct);
        await _store.DeleteAsync<Pod>(Ns, "owner-pod", cancellationToken: ct);

        await UntilAsync(async () => (await _store.ListAsync<Event>(new ListOptions { Namespace = Ns }, ct)).Items
            .Any(e => e.Reason == "OwnerRefInvalidNamespace" && e.InvolvedObject.Name == "invalid"), ct, "a warning event names the invalid reference");
        // Sync point: the single worker processed the earlier items before this one.
        await _store.CreateAsync(NewPod(Ns, "probe", new OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "ghost", Uid = "ghost-uid" }), ct);
        await _store.UntilGoneAsync<Pod>(Ns, "probe", ct);

        Assert.That(await _store.GetAsync<ClusterRole>(null, "invalid", ct), Is.Not.Null, "a cluster-scoped object with a namespaced owner is never collected");
        Assert.That(await _store.GetAsync<Pod>(Ns, "unknown-kind", ct), Is.Not.Null, "an owner of an unknown kind is not taken as gone");
    }

    [Test]
    public async Task AddGarbageCollector_CalledTwice_RegistersOneCollectorWithBothConfigurations()
    {
        var services = new ServiceCollection().AddSingleton<IObjectStore>(_store).AddLogging();
        services.AddGarbageCollector(o => o.Workers = 3).AddGarbageCollector(o => o.IgnoredKinds = ["Event", "Secret"]);

        await using var provider = services.BuildServiceProvider();
        Assert.That(provider.GetServices<IHostedService>().OfType<GarbageCollector>().Count(), Is.EqualTo(1));
        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<GarbageCollectorOptions>>().Value;
        Assert.That(options.Workers, Is.EqualTo(3));
        Assert.That(options.IgnoredKinds, Is.EqualTo(new[] { "Event", "Secret" }));
    }
}
