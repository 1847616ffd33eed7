using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Controllers;
using Orchestrator.Store;
using static Orchestrator.Tests.Controllers.GarbageCollection.ControllerHost;

namespace Orchestrator.Tests.Controllers.Namespaces;

[CancelAfter(20_000)]
public sealed class NamespaceControllerTests
{
    private const string Hold = "example.com/hold";

    private InMemoryObjectStore _store = null!;
    private IHost _host = null!;

    [SetUp]
    public async Task SetUp()
    {
        _store = new InMemoryObjectStore(TimeProvider.System);
        _host = await StartAsync(_store, TimeProvider.System, services => services.AddNamespaceController().AddGarbageCollector(), CancellationToken.None);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        _store.Dispose();
    }

    [Test]
    public async Task Delete_NamespaceWithContent_RemovesEveryObjectThenTheNamespace(CancellationToken ct)
    {
        await CreateNamespaceAsync("team-a", ct);
        await CreateNamespaceAsync("team-b", ct);
        var rs = await _store.CreateAsync(NewReplicaSet("team-a", "web"), ct);
        await _store.CreateAsync(NewPod("team-a", "web-1", OwnerRef(rs)), ct);
        await _store.CreateAsync(NewPod("team-a", "standalone"), ct);
        await _store.CreateAsync(NewConfigMap("team-a", "settings"), ct);
        await _store.CreateAsync(new Secret { Metadata = new ObjectMeta { Name = "token", Namespace = "team-a" } }, ct);
        await _store.CreateAsync(NewConfigMap("team-b", "settings"), ct);

        var terminating = await _store.DeleteAsync<Namespace>(null, "team-a", cancellationToken: ct);
        Assert.That(terminating?.Status?.Phase, Is.EqualTo(NamespacePhase.Terminating));

        await _store.UntilGoneAsync<Namespace>(null, "team-a", ct);
        foreach (var kind in ApiResources.All.Where(k => k.Namespaced))
        {
            var left = await _store.ListAsync(kind, new ListOptions { Namespace = "team-a" }, ct);
            Assert.That(left.Items, Is.Empty, $"no {kind.Plural} are left in the deleted namespace");
        }
        Assert.That(await _store.GetAsync<ConfigMap>("team-b", "settings", ct), Is.Not.Null, "other namespaces are untouched");
        Assert.That((await _store.GetAsync<Namespace>(null, "team-b", ct))?.Status?.Phase, Is.EqualTo(NamespacePhase.Active));
    }

    [Test]
    public async Task Delete_ContentWithFinalizer_NamespaceStaysTerminatingAndReportsWhatRemains(CancellationToken ct)
    {
        await CreateNamespaceAsync("team-a", ct);
        var held = NewConfigMap("team-a", "held");
        await _store.CreateAsync(held with { Metadata = held.Metadata with { Finalizers = [Hold] } }, ct);
        await _store.CreateAsync(NewConfigMap("team-a", "plain"), ct);

        await _store.DeleteAsync<Namespace>(null, "team-a", cancellationToken: ct);

        await UntilAsync(async () => Condition(await _store.GetAsync<Namespace>(null, "team-a", ct), NamespaceConditionTypes.FinalizersRemaining)?.Status
            == ConditionStatus.True, ct, "the namespace reports the finalizer holding it");
        var ns = await _store.GetAsync<Namespace>(null, "team-a", ct);
        Assert.Multiple(() =>
        {
            Assert.That(ns!.Status?.Phase, Is.EqualTo(NamespacePhase.Terminating));
            Assert.That(ns.Spec.Finalizers, Does.Contain("kubernetes"), "not finalized while content remains");
            var remaining = Condition(ns, NamespaceConditionTypes.ContentRemaining);
            Assert.That(remaining?.Reason, Is.EqualTo("SomeResourcesRemain"));
            Assert.That(remaining?.Message, Is.EqualTo("Some resources are remaining: configmaps has 1 resource instances"));
            Assert.That(Condition(ns, NamespaceConditionTypes.FinalizersRemaining)?.Message,
                Is.EqualTo("Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances"));
            Assert.That(Condition(ns, NamespaceConditionTypes.DeletionContentFailure)?.Status, Is.EqualTo(ConditionStatus.False));
        });
        Assert.That(await _store.GetAsync<ConfigMap>("team-a", "plain", ct), Is.Null);
        Assert.That((await _store.GetAsync<ConfigMap>("team-a", "held", ct))?.Metadata.DeletionTimestamp, Is.Not.Null);
        Assert.That(async () => await _store.CreateAsync(NewConfigMap("team-a", "late"), ct), Throws.InstanceOf<ForbiddenException>(),
            "a terminating namespace takes no new content");

        await _store.ReleaseAsync<ConfigMap>("team-a", "held", ct);
        await _store.UntilGoneAsync<Namespace>(null, "team-a", ct);
    }

    [Test]
    public async Task Delete_NamespaceWithOtherSpecFinalizer_ControllerRemovesOnlyItsOwn(CancellationToken ct)
    {
        await _store.CreateAsync(new Namespace
        {
            Metadata = new ObjectMeta { Name = "team-a" },
            Spec = new NamespaceSpec { Finalizers = ["example.com/external"] },
        }, ct);
        await _store.CreateAsync(NewConfigMap("team-a", "settings"), ct);

        await _store.DeleteAsync<Namespace>(null, "team-a", cancellationToken: ct);

        await UntilAsync(async () => (await _store.GetAsync<Namespace>(null, "team-a", ct))?.Spec.Finalizers is ["example.com/external"], ct,
            "the kubernetes finalizer is removed once the namespace is empty");
        Assert.That(await _store.GetAsync<ConfigMap>("team-a", "settings", ct), Is.Null);
        await _store.UpdateWithRetryAsync<Namespace>(null, "team-a", n => n with { Spec = n.Spec with { Finalizers = [] } }, ct);
        await _store.UntilGoneAsync<Namespace>(null, "team-a", ct);
    }

    private Task CreateNamespaceAsync(string name, CancellationToken ct) =>
        _store.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = name } }, ct).AsTask();

    private static NamespaceCondition? Condition(Namespace? ns, string type) =>
        ns?.Status?.Conditions.FirstOrDefault(c => c.Type == type);
}
