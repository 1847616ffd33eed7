using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Validation;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;
using static Orchestrator.Tests.Store.StoreTestKit;

namespace Orchestrator.Tests.Store;

[TestFixture]
public sealed class InMemoryObjectStoreDeleteTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private FakeTimeProvider _time = null!;
    private InMemoryObjectStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(Start);
        _store = NewStore(_time);
    }

    [TearDown]
    public void TearDown() => _store.Dispose();

    [Test]
    public async Task DeleteAsync_NoFinalizers_RemovesAndDeliversFinalStateWithNewVersion()
    {
        var created = await _store.CreateAsync<ConfigMap>(new ConfigMap { Metadata = new ObjectMeta { Name = "cfg", Namespace = "default" } });
        var recorder = new WatchRecorder<ConfigMap>();
        using var watch = _store.Watch<ConfigMap>(new WatchOptions { ResourceVersion = created.Metadata.ResourceVersion }).Subscribe(recorder);

        var result = await _store.DeleteAsync<ConfigMap>("default", "cfg");

        Assert.That(result, Is.Null);
        Assert.That(await _store.GetAsync<ConfigMap>("default", "cfg"), Is.Null);
        var deleted = (await recorder.WaitForCountAsync(1)).Single();
        Assert.That(deleted.Type, Is.EqualTo(WatchEventType.Deleted));
        Assert.That(deleted.Object.Metadata.Uid, Is.EqualTo(created.Metadata.Uid));
        Assert.That(deleted.Rv(), Is.EqualTo(_store.CurrentResourceVersion).And.GreaterThan(created.Rv()));
    }

    [Test]
    public void DeleteAsync_Missing_ThrowsNotFound()
    {
        Assert.ThrowsAsync<NotFoundException>(async () => await _store.DeleteAsync<Pod>("default", "ghost"));
    }

    [Test]
    public async Task DeleteAsync_WithFinalizer_KeepsObjectWithDeletionTimestamp()
    {
        await _store.CreateAsync<ConfigMap>(new ConfigMap { Metadata = new ObjectMeta { Name = "cfg", Namespace = "default", Finalizers = ["example.com/keep"] } });
        _time.Advance(TimeSpan.FromSeconds(5));

        var deleting = await _store.DeleteAsync<ConfigMap>("default", "cfg");

        Assert.That(deleting, Is.Not.Null);
        Assert.That(deleting!.Metadata.DeletionTimestamp, Is.EqualTo(Start.AddSeconds(5)));
        Assert.That(deleting.Metadata.DeletionGracePeriodSeconds, Is.EqualTo(0));
        Assert.That(await _store.GetAsync<ConfigMap>("default", "cfg"), Is.SameAs(deleting));
        Assert.That(await _store.DeleteAsync<ConfigMap>("default", "cfg"), Is.SameAs(deleting), "a repeated delete changes nothing");
    }

    [Test]
    public async Task UpdateAsync_RemovingLastFinalizerWhileDeleting_RemovesObject()
    {
        await _store.CreateAsync<ConfigMap>(new ConfigMap { Metadata = new ObjectMeta { Name = "cfg", Namespace = "default", Finalizers = ["a.io/x", "b.io/y"] } });
        var deleting = (await _store.DeleteAsync<ConfigMap>("default", "cfg"))!;
        var recorder = new WatchRecorder<ConfigMap>();
        using var watch = _store.Watch<ConfigMap>(new WatchOptions { ResourceVersion = deleting.Metadata.ResourceVersion }).Subscribe(recorder);

        var one = await _store.UpdateAsync<ConfigMap>(deleting.WithFinalizers("b.io/y"));
        var last = await _store.UpdateAsync<ConfigMap>(one.WithFinalizers());

        Assert.That(await _store.GetAsync<ConfigMap>("default", "cfg"), Is.Null);
        Assert.That(last.Metadata.Finalizers, Is.Empty);
        var events = await recorder.WaitForCountAsync(2);
        Assert.That(events.Select(e => e.Type), Is.EqualTo(new[] { WatchEventType.Modified, WatchEventType.Deleted }));
    }

    [Test]
    public async Task UpdateAsync_AddingFinalizerWhileDeleting_ThrowsValidation()
    {
        await _store.CreateAsync<ConfigMap>(new ConfigMap { Metadata = new ObjectMeta { Name = "cfg", Namespace = "default", Finalizers = ["a.io/x"] } });
        var deleting = (await _store.DeleteAsync<ConfigMap>("default", "cfg"))!;

        var ex = Assert.ThrowsAsync<ValidationException>(async () => await _store.UpdateAsync<ConfigMap>(deleting.WithFinalizers("a.io/x", "b.io/new")));

        Assert.That(ex!.Message, Does.Contain("no new finalizers can be added if the object is being deleted"));
    }

    private static IEnumerable<TestCaseData> PropagationCases()
    {
        yield return new TestCaseData(PropagationPolicy.Foreground, new[] { "foregroundDeletion" }).SetName("DeleteAsync_Foreground_AddsForegroundDeletionFinalizer");
        yield return new TestCaseData(PropagationPolicy.Orphan, new[] { "orphan" }).SetName("DeleteAsync_Orphan_AddsOrphanFinalizer");
    }

    [TestCaseSource(nameof(PropagationCases))]
    public async Task DeleteAsync_PropagationPolicy_AddsItsFinalizer(string policy, string[] expected)
    {
        await _store.CreateAsync<ConfigMap>(new ConfigMap { Metadata = new ObjectMeta { Name = "cfg", Namespace = "default" } });

        var deleting = await _store.DeleteAsync<ConfigMap>("default", "cfg", new DeleteOptions { PropagationPolicy = policy });

        Assert.That(deleting?.Metadata.Finalizers, Is.EqualTo(expected));
        Assert.That(deleting?.Metadata.DeletionTimestamp, Is.Not.Null);
    }

    [Test]
    public async Task DeleteAsync_UnknownPropagationPolicy_ThrowsBadRequest()
    {
        await _store.CreateAsync<ConfigMap>(new ConfigMap { Metadata = new ObjectMeta { Name = "cfg", Namespace = "default" } });
        Assert.ThrowsAsync<BadRequestException>(async () =>
            await _store.DeleteAsync<ConfigMap>("default", "cfg", new DeleteOptions { PropagationPolicy = "Sideways" }));
    }

    [Test]
    public async Task DeleteAsync_BoundPod_IsDeletedGracefully()
    {
        await _store.CreateAsync<Pod>(NewPod("web", nodeName: "node-1"));

        var terminating = await _store.DeleteAsync<Pod>("default", "web");

        Assert.That(terminating, Is.Not.Null);
        Assert.That(terminating!.Metadata.DeletionGracePeriodSeconds, Is.EqualTo(30));
        Assert.That(terminating.Metadata.DeletionTimestamp, Is.EqualTo(Start.AddSeconds(30)));
        Assert.That(await _store.GetAsync<Pod>("default", "web"), Is.Not.Null);
    }

    [Test]
    public async Task DeleteAsync_ShorterGracePeriod_ShortensPendingDeletion()
    {
        await _store.CreateAsync<Pod>(NewPod("web", nodeName: "node-1"));
        await _store.DeleteAsync<Pod>("default", "web");
        _time.Advance(TimeSpan.FromSeconds(2));

        var shortened = await _store.DeleteAsync<Pod>("default", "web", new DeleteOptions { GracePeriodSeconds = 5 });
        var longer = await _store.DeleteAsync<Pod>("default", "web", new DeleteOptions { GracePeriodSeconds = 60 });

        Assert.That(shortened!.Metadata.DeletionGracePeriodSeconds, Is.EqualTo(5));
        Assert.That(shortened.Metadata.DeletionTimestamp, Is.EqualTo(Start.AddSeconds(7)));
        Assert.That(longer, Is.SameAs(shortened), "a longer grace period does not extend it");
    }

    [Test]
    public async Task DeleteAsync_GracePeriodZeroAfterGracefulDelete_RemovesPod()
    {
        await _store.CreateAsync<Pod>(NewPod("web", nodeName: "node-1"));
        await _store.DeleteAsync<Pod>("default", "web");

        var result = await _store.DeleteAsync<Pod>("default", "web", new DeleteOptions { GracePeriodSeconds = 0 });

        Assert.That(result, Is.Null);
        Assert.That(await _store.GetAsync<Pod>("default", "web"), Is.Null);
    }

    private static IEnumerable<TestCaseData> ImmediatePodCases()
    {
        yield return new TestCaseData(NewPod("web")).SetName("DeleteAsync_UnboundPod_RemovesAtOnce");
        yield return new TestCaseData(NewPod("web", nodeName: "node-1") with { Status = new PodStatus { Phase = PodPhase.Succeeded } })
            .SetName("DeleteAsync_SucceededPod_RemovesAtOnce");
        yield return new TestCaseData(NewPod("web", nodeName: "node-1") with { Status = new PodStatus { Phase = PodPhase.Failed } })
            .SetName("DeleteAsync_FailedPod_RemovesAtOnce");
        yield return new TestCaseData(NewPod("web", nodeName: "node-1") with { Spec = NewPod("web", nodeName: "node-1").Spec with { TerminationGracePeriodSeconds = 0 } })
            .SetName("DeleteAsync_PodWithZeroTerminationGrace_RemovesAtOnce");
    }

    [TestCaseSource(nameof(ImmediatePodCases))]
    public async Task DeleteAsync_PodThatNeedsNoGrace_RemovesAtOnce(Pod pod)
    {
        await _store.CreateAsync<Pod>(pod);

        var result = await _store.DeleteAsync<Pod>("default", "web");

        Assert.That(result, Is.Null);
        Assert.That(await _store.GetAsync<Pod>("default", "web"), Is.Null);
    }

    [Test]
    public async Task DeleteAsync_PodWithFinalizerAndGraceZero_StaysUntilFinalizerRemoved()
    {
        await _store.CreateAsync<Pod>(NewPod("web", nodeName: "node-1").WithFinalizers("a.io/x"));
        await _store.DeleteAsync<Pod>("default", "web");

        var killed = (await _store.DeleteAsync<Pod>("default", "web", new DeleteOptions { GracePeriodSeconds = 0 }))!;
        await _store.UpdateAsync<Pod>(killed.WithFinalizers());

        Assert.That(killed.Metadata.DeletionGracePeriodSeconds, Is.EqualTo(0));
        Assert.That(await _store.GetAsync<Pod>("default", "web"), Is.Null);
    }

    [Test]
    public async Task DeleteAsync_Namespace_MarksTerminatingUntilFinalized()
    {
        await _store.CreateAsync<Namespace>(new Namespace { Metadata = new ObjectMeta { Name = "team" } });

        var terminating = (await _store.DeleteAsync<Namespace>(null, "team"))!;

        Assert.That(terminating.Status?.Phase, Is.EqualTo(NamespacePhase.Terminating));
        Assert.That(terminating.Metadata.DeletionTimestamp, Is.Not.Null);
        Assert.That(terminating.Spec.Finalizers, Is.EqualTo(new[] { "kubernetes" }));

        // The namespace controller's finalize step: clearing spec.finalizers removes it.
        await _store.UpdateAsync<Namespace>(terminating with { Spec = terminating.Spec with { Finalizers = [] } });

        Assert.That(await _store.GetAsync<Namespace>(null, "team"), Is.Null);
    }

    [TestCase("default")]
    [TestCase("kube-system")]
    [TestCase("kube-public")]
    public void DeleteAsync_ProtectedNamespace_ThrowsForbidden(string name)
    {
        Assert.ThrowsAsync<ForbiddenException>(async () => await _store.DeleteAsync<Namespace>(null, name));
    }

    [Test]
    public async Task DeleteAsync_PreconditionsNotMet_ThrowConflictAndKeepObject()
    {
        var created = await _store.CreateAsync<ConfigMap>(new ConfigMap { Metadata = new ObjectMeta { Name = "cfg", Namespace = "default" } });

        Assert.ThrowsAsync<ConflictException>(async () =>
            await _store.DeleteAsync<ConfigMap>("default", "cfg", new DeleteOptions { PreconditionUid = "other" }));
        Assert.ThrowsAsync<ConflictException>(async () =>
            await _store.DeleteAsync<ConfigMap>("default", "cfg", new DeleteOptions { PreconditionResourceVersion = "1" }));
        Assert.That(await _store.GetAsync<ConfigMap>("default", "cfg"), Is.SameAs(created));

        var matching = new DeleteOptions { PreconditionUid = created.Metadata.Uid, PreconditionResourceVersion = created.Metadata.ResourceVersion };
        Assert.That(await _store.DeleteAsync<ConfigMap>("default", "cfg", matching), Is.Null);
    }
}
