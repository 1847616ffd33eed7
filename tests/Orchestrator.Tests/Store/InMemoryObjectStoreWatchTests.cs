using System.Diagnostics;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;
using static Orchestrator.Tests.Store.StoreTestKit;

namespace Orchestrator.Tests.Store;

[TestFixture]
public sealed class InMemoryObjectStoreWatchTests
{
    private FakeTimeProvider _time = null!;
    private InMemoryObjectStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _store = NewStore(_time);
    }

    [TearDown]
    public void TearDown() => _store.Dispose();

    [Test]
    public async Task Watch_WithoutResourceVersion_DeliversCurrentObjectsAsAddedThenChanges()
    {
        await _store.CreateAsync<Pod>(NewPod("b"));
        var a = await _store.CreateAsync<Pod>(NewPod("a"));
        var recorder = new WatchRecorder<Pod>();

        using var watch = _store.Watch<Pod>().Subscribe(recorder);
        await recorder.WaitForCountAsync(2);
        await _store.UpdateAsync<Pod>(a.WithLabel("x", "1"));
        var events = await recorder.WaitForCountAsync(3);

        Assert.That(events.Select(e => (e.Type, e.Object.Metadata.Name)), Is.EqualTo(new[]
        {
            (WatchEventType.Added, "a"), (WatchEventType.Added, "b"), (WatchEventType.Modified, "a"),
        }));
    }

    [Test]
    public async Task Watch_WithoutResourceVersion_SeesEveryChangeMadeAfterSubscribeReturns()
    {
        var pod = await _store.CreateAsync<Pod>(NewPod("a"));
        var recorders = Enumerable.Range(0, 20).Select(_ => new WatchRecorder<Pod>()).ToArray();

        // Changes right after Subscribe, before any delivery loop may have run.
        var watches = recorders.Select(r => _store.Watch<Pod>().Subscribe(r)).ToArray();
        await _store.UpdateAsync<Pod>(pod.WithLabel("x", "1"));
        await _store.DeleteAsync<Pod>("default", "a");

        foreach (var recorder in recorders)
        {
            var events = await recorder.WaitForCountAsync(3);
            Assert.That(events.Select(e => e.Type), Is.EqualTo(new[] { WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted }));
            Assert.That(events[0].Object.Metadata.Labels, Is.Empty, "the initial state is the state at subscription");
        }
        foreach (var watch in watches) watch.Dispose();
    }

    [Test]
    public async Task Watch_FromListResourceVersion_DeliversOnlyLaterChanges()
    {
        await _store.CreateAsync<Pod>(NewPod("before"));
        var list = await _store.ListAsync<Pod>();
        await _store.CreateAsync<Pod>(NewPod("after"));
        var recorder = new WatchRecorder<Pod>();

        using var watch = _store.Watch<Pod>(new WatchOptions { ResourceVersion = list.ResourceVersion }).Subscribe(recorder);
        await _store.DeleteAsync<Pod>("default", "before");
        var events = await recorder.WaitForCountAsync(2);

        Assert.That(events.Select(e => (e.Type, e.Object.Metadata.Name)), Is.EqualTo(new[]
        {
            (WatchEventType.Added, "after"), (WatchEventType.Deleted, "before"),
        }));
    }

    [Test]
    public async Task Watch_ConcurrentWriters_DeliversEveryChangeOnceInResourceVersionOrder()
    {
        const int writers = 4, updates = 500;
        var start = _store.CurrentResourceVersion.ToString();
        var recorders = Enumerable.Range(0, 3).Select(_ => new WatchRecorder<Pod>()).ToArray();
        var watches = recorders.Select(r => _store.Watch<Pod>(new WatchOptions { ResourceVersion = start }).Subscribe(r)).ToArray();
        // Other kinds are written at the same time; their versions interleave but must not appear in the pod watch.
        var noise = Task.Run(async () =>
        {
            for (var i = 0; i < 300; i++) await _store.CreateAsync<ConfigMap>(new ConfigMap { Metadata = new() { Name = $"c{i}", Namespace = "default" } });
        });

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var pod = await _store.CreateAsync<Pod>(NewPod($"w{w}"));
            for (var i = 0; i < updates; i++) pod = await _store.UpdateAsync<Pod>(pod.WithAnnotation("i", i.ToString()));
        })));
        await noise;

        foreach (var recorder in recorders)
        {
            var events = await recorder.WaitForCountAsync(writers * (updates + 1));
            var versions = events.Select(e => e.Rv()).ToArray();
            Assert.That(versions, Is.Ordered.Ascending);
            Assert.That(versions.Distinct().Count(), Is.EqualTo(versions.Length), "no duplicates");
            foreach (var w in Enumerable.Range(0, writers))
            {
                var mine = events.Where(e => e.Object.Metadata.Name == $"w{w}").ToArray();
                Assert.That(mine[0].Type, Is.EqualTo(WatchEventType.Added));
                Assert.That(mine.Skip(1).Select(e => e.Object.Metadata.Annotations["i"]), Is.EqualTo(Enumerable.Range(0, updates).Select(i => i.ToString())),
                    "every update of each object, in order, no gaps");
            }
        }
        foreach (var watch in watches) watch.Dispose();
    }

    [Test]
    public async Task Watch_ResumeFromLastSeenVersion_ContinuesWithoutGapOrDuplicate()
    {
        var pod = await _store.CreateAsync<Pod>(NewPod("web"));
        var first = new WatchRecorder<Pod>();
        var watch = _store.Watch<Pod>(new WatchOptions { ResourceVersion = pod.Metadata.ResourceVersion }).Subscribe(first);
        for (var i = 0; i < 5; i++) pod = await _store.UpdateAsync<Pod>(pod.WithAnnotation("i", i.ToString()));
        var seen = await first.WaitForCountAsync(5);
        watch.Dispose();
        for (var i = 5; i < 10; i++) pod = await _store.UpdateAsync<Pod>(pod.WithAnnotation("i", i.ToString()));

        var second = new WatchRecorder<Pod>();
        using var resumed = _store.Watch<Pod>(new WatchOptions { ResourceVersion = seen[2].ResourceVersion }).Subscribe(second);
        var rest = await second.WaitForCountAsync(7);

        Assert.That(rest.Select(e => e.Object.Metadata.Annotations["i"]), Is.EqualTo(Enumerable.Range(3, 7).Select(i => i.ToString())));
    }

    [Test]
    public async Task Watch_ResourceVersionOlderThanHistory_FailsWithResourceExpired()
    {
        using var store = NewStore(_time, new InMemoryObjectStoreOptions { WatchHistorySize = 16 });
        var pod = await store.CreateAsync<Pod>(NewPod("web"));
        for (var i = 0; i < 40; i++) await store.UpdateAsync<Pod>(pod.WithAnnotation("i", i.ToString()) with { Metadata = pod.WithAnnotation("i", i.ToString()).Metadata with { ResourceVersion = null } });
        var recorder = new WatchRecorder<Pod>();

        using var watch = store.Watch<Pod>(new WatchOptions { ResourceVersion = pod.Metadata.ResourceVersion }).Subscribe(recorder);

        Assert.That(await recorder.WaitForErrorAsync(), Is.TypeOf<ResourceExpiredException>().And.Message.Contains("too old resource version"));
        Assert.That(recorder.Events, Is.Empty);
    }

    [Test]
    public async Task Watch_InvalidResourceVersion_FailsWithBadRequest()
    {
        var recorder = new WatchRecorder<Pod>();
        using var watch = _store.Watch<Pod>(new WatchOptions { ResourceVersion = "abc" }).Subscribe(recorder);

        Assert.That(await recorder.WaitForErrorAsync(), Is.TypeOf<BadRequestException>());
    }

    [Test]
    public async Task Watch_BlockedObserver_IsFailedWithoutSlowingWritersOrOtherWatchers()
    {
        using var store = NewStore(_time, new InMemoryObjectStoreOptions { WatchBufferSize = 64 });
        var pod = await store.CreateAsync<Pod>(NewPod("web"));
        var from = new WatchOptions { ResourceVersion = pod.Metadata.ResourceVersion };
        var release = new TaskCompletionSource();
        var blocked = new WatchRecorder<Pod>(_ => release.Task);
        var fast = new WatchRecorder<Pod>();
        using var slowWatch = store.Watch<Pod>(from).Subscribe(blocked);
        using var fastWatch = store.Watch<Pod>(from).Subscribe(fast);

        // Batches of 20 keep the fast watcher within its 64-event buffer; the blocked one falls behind by 1000.
        var writeTime = TimeSpan.Zero;
        for (var batch = 0; batch < 50; batch++)
        {
            var stopwatch = Stopwatch.StartNew();
            for (var i = 0; i < 20; i++) pod = await store.UpdateAsync<Pod>(pod.WithAnnotation("i", (batch * 20 + i).ToString()));
            writeTime += stopwatch.Elapsed;
            await fast.WaitForCountAsync((batch + 1) * 20);
        }
        Assert.That(release.Task.IsCompleted, Is.False, "the blocked observer is still blocked while the others progressed");
        release.SetResult();

        var error = await blocked.WaitForErrorAsync();
        Assert.That(error, Is.TypeOf<ResourceExpiredException>());
        Assert.That(blocked.Events.Count, Is.LessThan(64 + 2), "delivery stopped at the overflow");
        Assert.That(fast.Error, Is.Null);
        Assert.That(writeTime, Is.LessThan(TimeSpan.FromSeconds(5)), "writers were not held up");
    }

    [Test]
    public async Task Watch_LabelSelector_TurnsSelectorTransitionsIntoAddedAndDeleted()
    {
        var pod = await _store.CreateAsync<Pod>(NewPod("web", labels: Labels(("app", "web"))));
        var recorder = new WatchRecorder<Pod>();
        using var watch = _store.Watch<Pod>(new WatchOptions { LabelSelector = "app=web", ResourceVersion = pod.Metadata.ResourceVersion }).Subscribe(recorder);

        pod = await _store.UpdateAsync<Pod>(pod.WithAnnotation("a", "1"));     // still matching: Modified
        pod = await _store.UpdateAsync<Pod>(pod.WithLabel("app", "api"));      // stops matching: Deleted
        pod = await _store.UpdateAsync<Pod>(pod.WithAnnotation("a", "2"));     // not matching: nothing
        pod = await _store.UpdateAsync<Pod>(pod.WithLabel("app", "web"));      // matches again: Added
        await _store.CreateAsync<Pod>(NewPod("other", labels: Labels(("app", "db"))));
        await _store.DeleteAsync<Pod>("default", "web");                       // Deleted
        var events = await recorder.WaitForCountAsync(4);

        Assert.That(events.Select(e => e.Type), Is.EqualTo(new[]
        {
            WatchEventType.Modified, WatchEventType.Deleted, WatchEventType.Added, WatchEventType.Deleted,
        }));
        var stopped = events[1].Object;
        Assert.That(stopped.Metadata.Labels["app"], Is.EqualTo("web"), "the last matching state");
        Assert.That(stopped.Rv(), Is.GreaterThan(events[0].Rv()), "with the version of the change");
        Assert.That(events.Select(e => e.Rv()), Is.Ordered.Ascending);
    }

    [Test]
    public async Task Watch_FieldSelectorNodeName_SeesPodsBoundToTheNode()
    {
        var pod = await _store.CreateAsync<Pod>(NewPod("web"));
        var recorder = new WatchRecorder<Pod>();
        using var watch = _store.Watch<Pod>(new WatchOptions { FieldSelector = "spec.nodeName=node-1" }).Subscribe(recorder);

        await _store.UpdateAsync<Pod>(pod with { Spec = pod.Spec with { NodeName = "node-1" } });
        var events = await recorder.WaitForCountAsync(1);

        Assert.That(events.Single().Type, Is.EqualTo(WatchEventType.Added));
        Assert.That(events.Single().Object.Spec.NodeName, Is.EqualTo("node-1"));
    }

    [Test]
    public void Watch_InvalidSelector_ThrowsBadRequestAtOnce()
    {
        Assert.Throws<BadRequestException>(() => _store.Watch<Pod>(new WatchOptions { LabelSelector = "app in (" }));
        Assert.Throws<BadRequestException>(() => _store.Watch<Pod>(new WatchOptions { FieldSelector = "spec.bogus=1" }));
    }

    [Test]
    public async Task Watch_AllowBookmarks_SendsABookmarkEachInterval()
    {
        var pod = await _store.CreateAsync<Pod>(NewPod("web"));
        var recorder = new WatchRecorder<Pod>();
        using var watch = _store.Watch<Pod>(new WatchOptions { ResourceVersion = pod.Metadata.ResourceVersion, AllowBookmarks = true }).Subscribe(recorder);
        await _store.CreateAsync<ConfigMap>(new ConfigMap { Metadata = new() { Name = "cfg", Namespace = "default" } });

        _time.Advance(TimeSpan.FromMinutes(1));
        var events = await recorder.WaitForCountAsync(1);

        Assert.That(events.Single().Type, Is.EqualTo(WatchEventType.Bookmark));
        Assert.That(events.Single().Object, Is.TypeOf<Pod>());
        Assert.That(events.Single().Rv(), Is.EqualTo(_store.CurrentResourceVersion), "a caught-up watch has seen every version so far");

        await _store.UpdateAsync<Pod>(pod.WithLabel("a", "b"));
        _time.Advance(TimeSpan.FromMinutes(1));
        events = await recorder.WaitForCountAsync(3);
        Assert.That(events.Select(e => e.Type), Is.EqualTo(new[] { WatchEventType.Bookmark, WatchEventType.Modified, WatchEventType.Bookmark }));
    }

    [Test]
    public async Task Watch_WithoutAllowBookmarks_SendsNoBookmark()
    {
        var recorder = new WatchRecorder<Pod>();
        using var watch = _store.Watch<Pod>(new WatchOptions { ResourceVersion = _store.CurrentResourceVersion.ToString() }).Subscribe(recorder);

        _time.Advance(TimeSpan.FromMinutes(5));
        await _store.CreateAsync<Pod>(NewPod("web"));
        var events = await recorder.WaitForCountAsync(1);

        Assert.That(events.Select(e => e.Type), Is.EqualTo(new[] { WatchEventType.Added }));
    }

    [Test]
    public async Task Dispose_Store_CompletesOpenWatches()
    {
        var recorder = new WatchRecorder<Pod>();
        using var watch = _store.Watch<Pod>().Subscribe(recorder);

        _store.Dispose();

        await recorder.WaitUntilAsync(_ => recorder.Completed, "completion");
        Assert.That(recorder.Error, Is.Null);
    }

    [Test]
    public async Task Dispose_Subscription_StopsDelivery()
    {
        var pod = await _store.CreateAsync<Pod>(NewPod("web"));
        var stopped = new WatchRecorder<Pod>();
        var witness = new WatchRecorder<Pod>();
        var from = new WatchOptions { ResourceVersion = pod.Metadata.ResourceVersion };
        var watch = _store.Watch<Pod>(from).Subscribe(stopped);
        using var other = _store.Watch<Pod>(from).Subscribe(witness);

        await _store.UpdateAsync<Pod>(pod.WithLabel("a", "1"));
        await stopped.WaitForCountAsync(1);
        watch.Dispose();
        watch.Dispose();
        await _store.DeleteAsync<Pod>("default", "web");
        await witness.WaitForCountAsync(2);

        Assert.That(stopped.Events, Has.Count.EqualTo(1));
        Assert.That(stopped.Completed, Is.False);
    }

    [Test]
    public async Task Watch_ObserverThrows_StopsOnlyThatWatch()
    {
        var pod = await _store.CreateAsync<Pod>(NewPod("web"));
        var from = new WatchOptions { ResourceVersion = pod.Metadata.ResourceVersion };
        var calls = 0;
        var firstCall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var throwing = new WatchRecorder<Pod>(_ =>
        {
            Interlocked.Increment(ref calls);
            firstCall.TrySetResult();
            throw new InvalidOperationException("observer bug");
        });
        var healthy = new WatchRecorder<Pod>();
        using var bad = _store.Watch<Pod>(from).Subscribe(throwing);
        using var good = _store.Watch<Pod>(from).Subscribe(healthy);

        pod = await _store.UpdateAsync<Pod>(pod.WithLabel("a", "1"));
        await firstCall.Task.WaitAsync(TestTimeout);
        await _store.UpdateAsync<Pod>(pod.WithLabel("a", "2"));
        await healthy.WaitForCountAsync(2);

        Assert.That(Volatile.Read(ref calls), Is.EqualTo(1), "the throwing watch got no further event");
        Assert.That(throwing.Error, Is.Null, "an observer that throws is not called again, not even with OnError");
    }
}
