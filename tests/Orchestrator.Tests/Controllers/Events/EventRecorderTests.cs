using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;
using static Orchestrator.Tests.Controllers.Framework.ControllerTestKit;

namespace Orchestrator.Tests.Controllers.Events;

[CancelAfter(20_000)]
public sealed class EventRecorderTests
{
    [Test]
    public async Task Normal_FirstOccurrence_CreatesEventInTheInvolvedNamespace(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        var store = await NewStoreAsync(time, namespaces: ["apps"]);
        var pod = await store.CreateAsync<Pod>(NewPod("apps", "web-1"), ct);
        var broadcaster = NewBroadcaster(store, time);

        broadcaster.CreateRecorder("default-scheduler").Normal(pod, "Scheduled", "Successfully assigned apps/web-1 to node-1");
        await broadcaster.DisposeAsync();

        var ev = (await store.ListAsync<Event>(new ListOptions { Namespace = "apps" }, ct)).Items.Single();
        Assert.Multiple(() =>
        {
            Assert.That(ev.Metadata.Name, Does.Match(@"^web-1\.[0-9a-f]+$"));
            Assert.That(ev.Metadata.Namespace, Is.EqualTo("apps"));
            Assert.That(ev.InvolvedObject.Kind, Is.EqualTo("Pod"));
            Assert.That(ev.InvolvedObject.Name, Is.EqualTo("web-1"));
            Assert.That(ev.InvolvedObject.Uid, Is.EqualTo(pod.Metadata.Uid));
            Assert.That(ev.Type, Is.EqualTo(EventType.Normal));
            Assert.That(ev.Reason, Is.EqualTo("Scheduled"));
            Assert.That(ev.Message, Is.EqualTo("Successfully assigned apps/web-1 to node-1"));
            Assert.That(ev.Count, Is.EqualTo(1));
            Assert.That(ev.FirstTimestamp, Is.EqualTo(time.GetUtcNow()));
            Assert.That(ev.LastTimestamp, Is.EqualTo(time.GetUtcNow()));
            Assert.That(ev.Source?.Component, Is.EqualTo("default-scheduler"));
            Assert.That(ev.ReportingComponent, Is.EqualTo("default-scheduler"));
        });
    }

    [Test]
    public async Task Warning_IdenticalWithinWindow_IncrementsCountAndLastTimestamp(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        var store = await NewStoreAsync(time);
        var pod = await store.CreateAsync<Pod>(NewPod("default", "p"), ct);
        var broadcaster = NewBroadcaster(store, time);
        var recorder = broadcaster.CreateRecorder("kubelet", host: "node-1");
        var first = time.GetUtcNow();

        recorder.Warning(pod, "BackOff", "Back-off restarting failed container");
        time.Advance(TimeSpan.FromMinutes(1));
        recorder.Warning(pod, "BackOff", "Back-off restarting failed container");
        time.Advance(TimeSpan.FromMinutes(1));
        recorder.Warning(pod, "BackOff", "Back-off restarting failed container");
        await broadcaster.DisposeAsync();

        var ev = (await store.ListAsync<Event>(new ListOptions { Namespace = "default" }, ct)).Items.Single();
        Assert.That(ev.Count, Is.EqualTo(3));
        Assert.That(ev.FirstTimestamp, Is.EqualTo(first));
        Assert.That(ev.LastTimestamp, Is.EqualTo(first + TimeSpan.FromMinutes(2)));
        Assert.That(ev.Source, Is.EqualTo(new EventSource { Component = "kubelet", Host = "node-1" }));
    }

    private static IEnumerable<TestCaseData> DistinctCases()
    {
        yield return new TestCaseData("Killing", "Stopping container b", "kubelet", TimeSpan.Zero).SetName("Record_OtherMessage_CreatesNewEvent");
        yield return new TestCaseData("Started", "Stopping container a", "kubelet", TimeSpan.Zero).SetName("Record_OtherReason_CreatesNewEvent");
        yield return new TestCaseData("Killing", "Stopping container a", "other", TimeSpan.Zero).SetName("Record_OtherSource_CreatesNewEvent");
        yield return new TestCaseData("Killing", "Stopping container a", "kubelet", TimeSpan.FromMinutes(11)).SetName("Record_AfterWindow_CreatesNewEvent");
    }

    [TestCaseSource(nameof(DistinctCases))]
    public async Task Record_NotIdenticalOrTooLate_CreatesSecondEvent(string reason, string message, string component, TimeSpan later)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var time = new FakeTimeProvider();
        var store = await NewStoreAsync(time);
        var pod = await store.CreateAsync<Pod>(NewPod("default", "p"), cts.Token);
        var broadcaster = NewBroadcaster(store, time);

        broadcaster.CreateRecorder("kubelet").Normal(pod, "Killing", "Stopping container a");
        time.Advance(later);
        broadcaster.CreateRecorder(component).Normal(pod, reason, message);
        await broadcaster.DisposeAsync();

        var events = (await store.ListAsync<Event>(new ListOptions { Namespace = "default" }, cts.Token)).Items;
        Assert.That(events, Has.Count.EqualTo(2));
        Assert.That(events.Select(e => e.Count), Is.All.EqualTo(1));
        Assert.That(events.Select(e => e.Metadata.Name).Distinct().Count(), Is.EqualTo(2), "same instant, distinct names");
    }

    [Test]
    public async Task Record_ClusterScopedObject_GoesToDefaultNamespace(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        var store = await NewStoreAsync(time);
        var node = await store.CreateAsync<Node>(new Node { Metadata = new ObjectMeta { Name = "node-1" } }, ct);
        var broadcaster = NewBroadcaster(store, time);

        broadcaster.CreateRecorder("kubelet", "node-1").Normal(node, "NodeReady", "Node node-1 status is now: NodeReady");
        await broadcaster.DisposeAsync();

        var ev = (await store.ListAsync<Event>(new ListOptions { Namespace = "default" }, ct)).Items.Single();
        Assert.That(ev.InvolvedObject.Kind, Is.EqualTo("Node"));
        Assert.That(ev.InvolvedObject.Namespace, Is.Null.Or.Empty);
    }

    [Test]
    public async Task Record_EventDeletedMeanwhile_StartsANewEvent(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        var store = await NewStoreAsync(time);
        var pod = await store.CreateAsync<Pod>(NewPod("default", "p"), ct);
        var broadcaster = NewBroadcaster(store, time);
        var recorder = broadcaster.CreateRecorder("kubelet");
        recorder.Normal(pod, "Pulled", "Image pulled");
        await EventuallyAsync(async () => (await store.ListAsync<Event>(new ListOptions { Namespace = "default" }, ct)).Items.Count == 1, ct, "first event written");
        var first = (await store.ListAsync<Event>(new ListOptions { Namespace = "default" }, ct)).Items.Single();
        await store.DeleteAsync<Event>("default", first.Metadata.Name!, cancellationToken: ct);

        recorder.Normal(pod, "Pulled", "Image pulled");
        await broadcaster.DisposeAsync();

        var ev = (await store.ListAsync<Event>(new ListOptions { Namespace = "default" }, ct)).Items.Single();
        Assert.That(ev.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Record_QueueFull_DropsWithoutBlockingOrThrowing(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        var store = await NewStoreAsync(time);
        var pod = await store.CreateAsync<Pod>(NewPod("default", "p"), ct);
        var writer = new GatedWriter(store);
        var broadcaster = new EventBroadcaster(writer, time, NullLogger.Instance, capacity: 1);
        var recorder = broadcaster.CreateRecorder("test");

        recorder.Normal(pod, "R", "taken by the writer, which blocks");
        await EventuallyAsync(() => writer.Waiting == 1, ct, "the writer is blocked");
        recorder.Normal(pod, "R", "queued");
        recorder.Normal(pod, "R", "dropped 1");
        recorder.Normal(pod, "R", "dropped 2");
        writer.Open();
        await broadcaster.DisposeAsync();

        var messages = (await store.ListAsync<Event>(new ListOptions { Namespace = "default" }, ct)).Items.Select(e => e.Message).Order();
        Assert.That(messages, Is.EqualTo(new[] { "queued", "taken by the writer, which blocks" }));
    }

    [Test]
    public async Task Record_InvalidArguments_NeverThrowsIntoTheCaller()
    {
        var store = await NewStoreAsync();
        var broadcaster = NewBroadcaster(store, TimeProvider.System);
        var recorder = broadcaster.CreateRecorder("test");

        Assert.That(() => recorder.Normal(null!, "R", "m"), Throws.Nothing);
        await broadcaster.DisposeAsync();
    }

    private static EventBroadcaster NewBroadcaster(IObjectStore store, TimeProvider time) => new(store, time, NullLogger.Instance);

    /// <summary>Passes writes to the real store, holding them until opened, to simulate a slow API server.</summary>
    private sealed class GatedWriter(IObjectStore inner) : IObjectWriter
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting;

        public int Waiting => Volatile.Read(ref _waiting);

        public void Open() => _open.TrySetResult();

        public async ValueTask<KubernetesObject> CreateAsync(KubernetesObject obj, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _waiting);
            await _open.Task.WaitAsync(cancellationToken);
            return await inner.CreateAsync(obj, cancellationToken);
        }

        public ValueTask<KubernetesObject> UpdateAsync(KubernetesObject obj, CancellationToken cancellationToken = default) =>
            inner.UpdateAsync(obj, cancellationToken);

        public ValueTask<KubernetesObject> UpdateStatusAsync(KubernetesObject obj, CancellationToken cancellationToken = default) =>
            inner.UpdateStatusAsync(obj, cancellationToken);

        public ValueTask<KubernetesObject?> DeleteAsync(
            ResourceKind kind, string? @namespace, string name, DeleteOptions? options = null, CancellationToken cancellationToken = default) =>
            inner.DeleteAsync(kind, @namespace, name, options, cancellationToken);
    }
}
