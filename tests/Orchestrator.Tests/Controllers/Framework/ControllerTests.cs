using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;
using static Orchestrator.Tests.Controllers.Framework.ControllerTestKit;

namespace Orchestrator.Tests.Controllers.Framework;

[CancelAfter(20_000)]
public sealed class ControllerTests
{
    private static readonly ObjectKey KeyA = new("default", "a");

    [Test]
    public async Task Reconcile_ObjectCreatedUpdatedDeleted_IsCalledForTheKeyAndReadsCurrentState(CancellationToken ct)
    {
        var store = await NewStoreAsync();
        var observed = new ConcurrentQueue<string>();
        SharedInformerFactory? informers = null;
        var reconciler = new TestReconciler((key, _, _) =>
        {
            // Level-based: the reconciler reads the current state from the lister, not the event.
            var pod = informers!.GetLister<Pod>().Get(key);
            observed.Enqueue(pod is null ? "gone" : pod.Metadata.Labels.GetValueOrDefault("v", "-"));
            return Task.FromResult(ReconcileResult.Done);
        });
        using var host = await StartHostAsync(store, TimeProvider.System, ControllerBuilder.For<Pod>("pods").WithReconciler(reconciler), ct);
        informers = host.Services.GetRequiredService<SharedInformerFactory>();

        var pod = await store.CreateAsync<Pod>(NewPod("default", "a"), ct);
        await EventuallyAsync(() => observed.Contains("-"), ct, "reconciled after create");
        await store.UpdateAsync<Pod>(pod with { Metadata = pod.Metadata with { Labels = new Dictionary<string, string> { ["v"] = "2" } } }, ct);
        await EventuallyAsync(() => observed.Contains("2"), ct, "reconciled after update");
        await store.DeleteAsync<Pod>("default", "a", DeleteNow, ct);
        await EventuallyAsync(() => observed.Contains("gone"), ct, "reconciled after delete, finding the object gone");

        await host.StopAsync(ct);
        Assert.That(reconciler.Calls.Distinct(), Is.EqualTo(new[] { KeyA }));
    }

    [Test]
    public async Task Reconcile_Throws_IsRetriedWithExponentialBackoffThenForgotten(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        var store = await NewStoreAsync(time);
        var reconciler = new TestReconciler((_, attempt, _) =>
            attempt <= 3 ? throw new InvalidOperationException($"failure {attempt}") : Task.FromResult(ReconcileResult.Done));
        var logs = new CapturingLoggerProvider();
        using var host = await StartHostAsync(store, time, ControllerBuilder.For<Pod>("pods").WithReconciler(reconciler), ct, logs);
        var queue = QueueOf(host);

        await store.CreateAsync<Pod>(NewPod("default", "a"), ct);
        await EventuallyAsync(() => Delayed(queue, 1), ct, "first failure rate-limited");
        Assert.That(queue.Length, Is.Zero, "a failed key waits for its back-off");
        time.Advance(TimeSpan.FromMilliseconds(5));
        await EventuallyAsync(() => Delayed(queue, 2), ct, "second attempt after 5 ms");
        time.Advance(TimeSpan.FromMilliseconds(9));
        Assert.That(reconciler.CallsFor(KeyA), Is.EqualTo(2), "the second back-off is 10 ms");
        time.Advance(TimeSpan.FromMilliseconds(1));
        await EventuallyAsync(() => Delayed(queue, 3), ct, "third attempt after 10 ms");
        time.Advance(TimeSpan.FromMilliseconds(20));
        await EventuallyAsync(() => reconciler.CallsFor(KeyA) == 4 && queue.NumRequeues(KeyA) == 0, ct, "success forgets the key");

        await host.StopAsync(ct);
        var failures = logs.Entries.Where(e => e.Level == LogLevel.Error).ToArray();
        Assert.That(failures, Has.Length.EqualTo(3), "each failure is logged once");
        Assert.That(failures[0].Exception?.Message, Is.EqualTo("failure 1"));
        Assert.That(failures[0].Scopes.Any(s => s.Contains("pods") && s.Contains("Pod") && s.Contains("default/a")), Is.True,
            "failures are logged in a scope naming controller, kind, namespace and name");
    }

    [Test]
    public async Task Reconcile_ReturnsAfter_IsCalledAgainAfterTheDelay(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        var store = await NewStoreAsync(time);
        var reconciler = new TestReconciler((_, attempt, _) =>
            Task.FromResult(attempt == 1 ? ReconcileResult.After(TimeSpan.FromSeconds(30)) : ReconcileResult.Done));
        using var host = await StartHostAsync(store, time, ControllerBuilder.For<Pod>("pods").WithReconciler(reconciler), ct);
        var queue = QueueOf(host);

        await store.CreateAsync<Pod>(NewPod("default", "a"), ct);
        await EventuallyAsync(() => reconciler.CallsFor(KeyA) == 1 && queue.WaitingCount == 1, ct, "first reconcile scheduled the next");
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(queue.Length, Is.Zero, "not due yet");
        Assert.That(reconciler.CallsFor(KeyA), Is.EqualTo(1));
        time.Advance(TimeSpan.FromSeconds(1));

        await EventuallyAsync(() => reconciler.CallsFor(KeyA) == 2, ct, "reconciled again after 30 s");
        Assert.That(queue.NumRequeues(KeyA), Is.Zero, "After does not count as a failure");
    }

    [Test]
    public async Task Reconcile_ReturnsRequeue_IsRateLimitedWithoutError(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        var store = await NewStoreAsync(time);
        var reconciler = new TestReconciler((_, attempt, _) => Task.FromResult(attempt == 1 ? ReconcileResult.Requeue : ReconcileResult.Done));
        var logs = new CapturingLoggerProvider();
        using var host = await StartHostAsync(store, time, ControllerBuilder.For<Pod>("pods").WithReconciler(reconciler), ct, logs);
        var queue = QueueOf(host);

        await store.CreateAsync<Pod>(NewPod("default", "a"), ct);
        await EventuallyAsync(() => Delayed(queue, 1), ct, "requeued through the rate limiter");
        time.Advance(TimeSpan.FromMilliseconds(5));

        await EventuallyAsync(() => reconciler.CallsFor(KeyA) == 2 && queue.NumRequeues(KeyA) == 0, ct, "second call, then forgotten");
        Assert.That(logs.Entries.Where(e => e.Level >= LogLevel.Warning), Is.Empty);
    }

    [Test]
    public async Task Reconcile_ThrowsTerminalException_IsNotRetried(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        var store = await NewStoreAsync(time);
        var reconciler = new TestReconciler((_, _, _) => throw new TerminalException("spec.replicas must not be negative"));
        var logs = new CapturingLoggerProvider();
        using var host = await StartHostAsync(store, time, ControllerBuilder.For<Pod>("pods").WithReconciler(reconciler), ct, logs);
        var queue = QueueOf(host);

        await store.CreateAsync<Pod>(NewPod("default", "a"), ct);
        await EventuallyAsync(() => logs.Entries.Any(e => e.Level == LogLevel.Error), ct, "terminal error logged");
        time.Advance(TimeSpan.FromHours(1));

        Assert.That(queue.NumRequeues(KeyA), Is.Zero);
        Assert.That(queue.Length, Is.Zero);
        await host.StopAsync(ct);
        Assert.That(reconciler.CallsFor(KeyA), Is.EqualTo(1));
    }

    [Test]
    public async Task Reconcile_ManyWorkersAndUpdatesWhileBusy_NeverRunsOneKeyConcurrentlyAndCoalesces(CancellationToken ct)
    {
        var store = await NewStoreAsync();
        using var release = new SemaphoreSlim(0);
        var reconciler = new TestReconciler(async (key, attempt, token) =>
        {
            if (key == KeyA && attempt == 1) await release.WaitAsync(token);
            return ReconcileResult.Done;
        });
        using var host = await StartHostAsync(store, TimeProvider.System,
            ControllerBuilder.For<Pod>("pods").WithReconciler(reconciler).WithWorkers(4), ct);
        var queue = QueueOf(host);
        var lister = host.Services.GetRequiredService<SharedInformerFactory>().GetLister<Pod>();

        var pod = await store.CreateAsync<Pod>(NewPod("default", "a"), ct);
        await EventuallyAsync(() => reconciler.CallsFor(KeyA) == 1, ct, "first reconcile in progress");
        for (var i = 0; i < 5; i++)
        {
            pod = await store.UpdateAsync<Pod>(pod with { Metadata = pod.Metadata with { Labels = new Dictionary<string, string> { ["i"] = $"{i}" } } }, ct);
        }
        await store.CreateAsync<Pod>(NewPod("default", "b"), ct);
        await EventuallyAsync(() => lister.Get(KeyA)?.Metadata.ResourceVersion == pod.Metadata.ResourceVersion, ct, "informer saw every update");
        await EventuallyAsync(() => reconciler.CallsFor(new ObjectKey("default", "b")) == 1, ct, "other keys proceed on other workers");
        Assert.That(reconciler.CallsFor(KeyA), Is.EqualTo(1), "updates during a reconcile wait for it");
        Assert.That(queue.Length, Is.Zero, "the busy key is dirty, not pending for another worker");

        release.Release();
        await EventuallyAsync(() => reconciler.CallsFor(KeyA) == 2, ct, "one more reconcile for all the updates");
        await host.StopAsync(ct);
        Assert.That(reconciler.CallsFor(KeyA), Is.EqualTo(2), "five updates coalesce into one reconcile");
        Assert.That(reconciler.MaxInFlightPerKey, Is.EqualTo(1));
    }

    [Test]
    public async Task Start_ObjectsExistBeforeStart_ReconcilesOnlyAfterCachesSynced(CancellationToken ct)
    {
        var store = await NewStoreAsync();
        for (var i = 0; i < 50; i++) await store.CreateAsync<Pod>(NewPod("default", $"p{i:00}"), ct);
        var unsynced = 0;
        SharedInformerFactory? informers = null;
        var reconciler = new TestReconciler((key, _, _) =>
        {
            var factory = Volatile.Read(ref informers);
            if (factory is null || !factory.GetInformer<Pod>().HasSynced || !factory.GetInformer<Node>().HasSynced ||
                factory.GetLister<Pod>().List().Count != 50)
            {
                Interlocked.Increment(ref unsynced);
            }
            return Task.FromResult(ReconcileResult.Done);
        });
        var controller = ControllerBuilder.For<Pod>("pods").Watches<Node>(_ => []).WithReconciler(sp =>
        {
            Volatile.Write(ref informers, sp.GetRequiredService<SharedInformerFactory>());
            return reconciler;
        }).WithWorkers(4);

        using var host = await StartHostAsync(store, TimeProvider.System, controller, ct);

        await EventuallyAsync(() => reconciler.Calls.Distinct().Count() == 50, ct, "every existing pod reconciled");
        Assert.That(unsynced, Is.Zero, "no reconcile ran before the caches were complete");
    }

    [Test]
    public async Task Stop_ReconcileInFlight_CancelsItAndStopsCleanly(CancellationToken ct)
    {
        var store = await NewStoreAsync();
        var cancelled = new TaskCompletionSource();
        var reconciler = new TestReconciler(async (_, _, token) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
                throw;
            }
            return ReconcileResult.Done;
        });
        var logs = new CapturingLoggerProvider();
        var host = await StartHostAsync(store, TimeProvider.System, ControllerBuilder.For<Pod>("pods").WithReconciler(reconciler), ct, logs);
        await store.CreateAsync<Pod>(NewPod("default", "a"), ct);
        await EventuallyAsync(() => reconciler.CallsFor(KeyA) == 1, ct, "reconcile in flight");

        await host.StopAsync(ct);

        Assert.That(cancelled.Task.IsCompleted, Is.True, "the in-flight reconcile saw its token cancelled");
        Assert.That(logs.Entries.Where(e => e.Level >= LogLevel.Warning), Is.Empty, "cancellation on shutdown is not an error");
        Assert.That(logs.Entries.Any(e => e.Message.Contains("stopped", StringComparison.Ordinal)), Is.True);
        host.Dispose();
    }

    [Test]
    public async Task Owns_DependentChanges_EnqueueTheControllingOwner(CancellationToken ct)
    {
        var store = await NewStoreAsync();
        var reconciler = new TestReconciler();
        using var host = await StartHostAsync(store, TimeProvider.System,
            ControllerBuilder.For<ReplicaSet>("replicasets").Owns<Pod>().WithReconciler(reconciler), ct);

        var owned = NewPod("default", "rs1-abcde");
        owned = owned with
        {
            Metadata = owned.Metadata with
            {
                OwnerReferences =
                [
                    new OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "other", Uid = "u0", Controller = false },
                    new OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs1", Uid = "u1", Controller = true },
                ],
            },
        };
        await store.CreateAsync<Pod>(owned, ct);
        await store.CreateAsync<Pod>(NewPod("default", "orphan"), ct);

        await EventuallyAsync(() => reconciler.CallsFor(new ObjectKey("default", "rs1")) == 1, ct, "the owner is reconciled");
        await host.StopAsync(ct);
        Assert.That(reconciler.Calls.Distinct(), Is.EqualTo(new[] { new ObjectKey("default", "rs1") }));
    }

    private static IEnumerable<TestCaseData> OwnerCases()
    {
        static OwnerReference Ref(string apiVersion, string kind, bool? controller) =>
            new() { ApiVersion = apiVersion, Kind = kind, Name = "owner", Uid = "u", Controller = controller };
        yield return new TestCaseData(Ref("apps/v1", "ReplicaSet", true), true).SetName("ControllerOwnerKeys_ControllerOfKind_IsMapped");
        yield return new TestCaseData(Ref("apps/v1", "ReplicaSet", null), false).SetName("ControllerOwnerKeys_NotController_IsIgnored");
        yield return new TestCaseData(Ref("apps/v1", "Deployment", true), false).SetName("ControllerOwnerKeys_OtherKind_IsIgnored");
        yield return new TestCaseData(Ref("example.com/v1", "ReplicaSet", true), false).SetName("ControllerOwnerKeys_OtherGroup_IsIgnored");
        yield return new TestCaseData(Ref("apps/v1beta2", "ReplicaSet", true), true).SetName("ControllerOwnerKeys_OtherVersionSameGroup_IsMapped");
    }

    [TestCaseSource(nameof(OwnerCases))]
    public void ControllerOwnerKeys_Table(OwnerReference reference, bool mapped)
    {
        var pod = NewPod("ns", "p");
        pod = pod with { Metadata = pod.Metadata with { OwnerReferences = [reference] } };

        var keys = ControllerBuilder.ControllerOwnerKeys(pod, ApiResources.For<ReplicaSet>());

        Assert.That(keys, Is.EqualTo(mapped ? new[] { new ObjectKey("ns", "owner") } : []));
    }

    [Test]
    public async Task Watches_MappingFunction_EnqueuesMappedKeysForOldAndNewState(CancellationToken ct)
    {
        var store = await NewStoreAsync();
        var reconciler = new TestReconciler();
        // Pods map to a "service" named by their label, like an endpoints controller.
        var controller = ControllerBuilder.For<Service>("services")
            .Watches<Pod>(p => p.Metadata.Labels.TryGetValue("svc", out var svc) ? [new ObjectKey(p.Metadata.Namespace!, svc)] : [])
            .WithReconciler(reconciler);
        using var host = await StartHostAsync(store, TimeProvider.System, controller, ct);

        var pod = await store.CreateAsync<Pod>(NewPod("default", "p", new Dictionary<string, string> { ["svc"] = "one" }), ct);
        await EventuallyAsync(() => reconciler.CallsFor(new ObjectKey("default", "one")) == 1, ct, "mapped on add");
        await store.UpdateAsync<Pod>(pod with { Metadata = pod.Metadata with { Labels = new Dictionary<string, string> { ["svc"] = "two" } } }, ct);

        await EventuallyAsync(() => reconciler.CallsFor(new ObjectKey("default", "two")) == 1, ct, "new state mapped");
        await EventuallyAsync(() => reconciler.CallsFor(new ObjectKey("default", "one")) == 2, ct, "old state mapped too");
    }

    [Test]
    public async Task Metrics_Reconciles_AreCountedByControllerAndResult(CancellationToken ct)
    {
        var store = await NewStoreAsync();
        var results = new ConcurrentQueue<(string Controller, string Result)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ControllerDiagnostics.MeterName && instrument.Name == "orchestrator.controller.reconciles")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var dict = tags.ToArray().ToDictionary(t => t.Key, t => t.Value as string);
            if (dict["controller"] == "metrics-test") results.Enqueue((dict["controller"]!, dict["result"]!));
        });
        listener.Start();
        var reconciler = new TestReconciler((_, attempt, _) => attempt == 1 ? throw new InvalidOperationException("x") : Task.FromResult(ReconcileResult.Done));
        using var host = await StartHostAsync(store, TimeProvider.System, ControllerBuilder.For<Pod>("metrics-test").WithReconciler(reconciler), ct);

        await store.CreateAsync<Pod>(NewPod("default", "a"), ct);

        await EventuallyAsync(() => results.Count == 2, ct, "two reconciles measured");
        Assert.That(results.Select(r => r.Result), Is.EqualTo(new[] { "error", "success" }));
    }

    [Test]
    public async Task Start_ReconcilerFactoryThrows_FailsHostStart(CancellationToken ct)
    {
        var store = await NewStoreAsync();
        var controller = ControllerBuilder.For<Pod>("broken").WithReconciler(_ => throw new InvalidOperationException("cannot build"));

        Assert.That(async () => await StartHostAsync(store, TimeProvider.System, controller, ct),
            Throws.InstanceOf<InvalidOperationException>().With.Message.EqualTo("cannot build"));
    }

    [Test]
    public void AddController_WithoutReconcilerOrDuplicateName_Throws()
    {
        var services = new ServiceCollection();
        Assert.That(() => services.AddController(ControllerBuilder.For<Pod>("x")), Throws.InvalidOperationException);

        services.AddController(ControllerBuilder.For<Pod>("x").WithReconciler(new TestReconciler()));
        Assert.That(() => services.AddController(ControllerBuilder.For<Node>("x").WithReconciler(new TestReconciler())),
            Throws.InvalidOperationException.With.Message.Contains("already registered"));
    }

    [Test]
    public void ControllerBuilder_With_ReturnsNewBuilderAndLeavesOriginal()
    {
        var original = ControllerBuilder.For<Pod>("pods");
        var configured = original.WithWorkers(3);

        Assert.That(original.Workers, Is.EqualTo(1));
        Assert.That(configured.Workers, Is.EqualTo(3));
        Assert.That(configured.Name, Is.EqualTo("pods"));
        Assert.That(() => original.WithWorkers(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    /// <summary>True once the key has been rate-limited <paramref name="requeues"/> times and waits for its back-off.</summary>
    private static bool Delayed(WorkQueue<ObjectKey> queue, int requeues) =>
        queue.NumRequeues(KeyA) == requeues && queue.WaitingCount == 1;

    private static WorkQueue<ObjectKey> QueueOf(IHost host) =>
        host.Services.GetServices<IHostedService>().OfType<Controller>().Single().Queue;

    private static async Task<IHost> StartHostAsync(
        IObjectStore store, TimeProvider time, ControllerBuilder controller, CancellationToken ct, CapturingLoggerProvider? logs = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(time);
        builder.Services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            if (logs is not null) logging.AddProvider(logs);
        });
        builder.Services.AddController(controller);
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
