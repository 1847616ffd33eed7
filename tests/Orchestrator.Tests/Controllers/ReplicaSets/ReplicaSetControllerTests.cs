using System.Collections.Concurrent;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;
using static Orchestrator.Tests.Controllers.ReplicaSets.TestWorkloads;

namespace Orchestrator.Tests.Controllers.ReplicaSets;

[CancelAfter(60_000)]
public sealed class ReplicaSetControllerTests
{
    [Test]
    public async Task Reconcile_NewReplicaSet_CreatesControlledPodsAndReportsStatus(CancellationToken ct)
    {
        await using var cluster = await TestCluster.StartAsync(s => s.AddReplicaSetController(), ct: ct);

        var rs = await cluster.Store.CreateAsync(ReplicaSet("web", 3), ct);

        var status = (await cluster.UntilAsync<ReplicaSet>(Ns, "web", r => r.Status?.AvailableReplicas == 3, "has 3 available replicas", ct)).Status!;
        Assert.That(status.Replicas, Is.EqualTo(3));
        Assert.That(status.FullyLabeledReplicas, Is.EqualTo(3));
        Assert.That(status.ReadyReplicas, Is.EqualTo(3));
        Assert.That(status.ObservedGeneration, Is.EqualTo(rs.Metadata.Generation));
        var pods = cluster.ActivePods(Ns, "app=web");
        Assert.That(pods, Has.Count.EqualTo(3));
        foreach (var pod in pods)
        {
            var owner = ControllerOf(pod);
            Assert.That(owner?.Uid, Is.EqualTo(rs.Metadata.Uid), $"{pod.Metadata.Name} is controlled by the ReplicaSet");
            Assert.That(owner!.BlockOwnerDeletion, Is.True);
            Assert.That(owner.Kind, Is.EqualTo("ReplicaSet"));
            Assert.That(pod.Metadata.Name, Does.StartWith("web-"));
            Assert.That(pod.Spec.NodeName, Is.Not.Null.And.Not.Empty, "the scheduler bound it");
        }
        await cluster.UntilAsync(() => cluster.EventsFor(Ns, "web").Count(e => e.Reason == "SuccessfulCreate") == 3, "3 SuccessfulCreate events", ct);
    }

    [Test]
    public async Task Reconcile_PodDeleted_ReplacesIt(CancellationToken ct)
    {
        await using var cluster = await TestCluster.StartAsync(s => s.AddReplicaSetController(), ct: ct);
        await cluster.Store.CreateAsync(ReplicaSet("web", 2), ct);
        await cluster.UntilAsync<ReplicaSet>(Ns, "web", r => r.Status?.ReadyReplicas == 2, "has 2 ready replicas", ct);
        var victim = cluster.ActivePods(Ns, "app=web")[0];

        await cluster.Store.DeleteAsync<Pod>(Ns, victim.Metadata.Name!, cancellationToken: ct);

        await cluster.UntilAsync(() =>
            {
                var pods = cluster.ActivePods(Ns, "app=web");
                return pods.Count == 2 && pods.All(p => p.Metadata.Uid != victim.Metadata.Uid && p.IsReady());
            }, "a ready replacement runs", ct);
        await cluster.UntilAsync(() => cluster.Get<Pod>(Ns, victim.Metadata.Name!) is null, "the deleted pod is gone", ct);
    }

    [Test]
    public async Task Reconcile_BurstOfCreates_CreatesEachPodOnce(CancellationToken ct)
    {
        await using var cluster = await TestCluster.StartAsync(s => s.AddReplicaSetController(o => o.BurstReplicas = 20), ct: ct);
        var created = new ConcurrentDictionary<string, bool>();
        using var watch = cluster.Store.Watch<Pod>().Subscribe(e =>
        {
            if (e.Type == WatchEventType.Added) created.TryAdd(e.Object.Metadata.Uid!, true);
        });

        await cluster.Store.CreateAsync(ReplicaSet("web", 60), ct);

        await cluster.UntilAsync<ReplicaSet>(Ns, "web", r => r.Status?.ReadyReplicas == 60, "has 60 ready replicas", ct);
        Assert.That(created, Has.Count.EqualTo(60), "no pod was created twice for one missing replica");
    }

    [Test]
    public async Task Reconcile_ScaledDown_DeletesMostRecentlyReadyFirst(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        await using var cluster = await TestCluster.StartAsync(s => s.AddReplicaSetController(), time: time, ct: ct);
        await cluster.Store.CreateAsync(ReplicaSet("web", 2), ct);
        await cluster.UntilAsync<ReplicaSet>(Ns, "web", r => r.Status?.ReadyReplicas == 2, "has 2 ready replicas", ct);
        var first = cluster.ActivePods(Ns, "app=web").Select(p => p.Metadata.Uid).ToHashSet();
        time.Advance(TimeSpan.FromMinutes(1));
        await ScaleAsync(cluster, "web", 3, ct);
        await cluster.UntilAsync<ReplicaSet>(Ns, "web", r => r.Status?.ReadyReplicas == 3, "has 3 ready replicas", ct);

        await ScaleAsync(cluster, "web", 2, ct);

        await cluster.UntilAsync(() => cluster.ActivePods(Ns, "app=web").Count == 2, "two pods remain", ct);
        Assert.That(cluster.ActivePods(Ns, "app=web").Select(p => p.Metadata.Uid), Is.EquivalentTo(first),
            "the pod ready for the shortest time went first");
        await cluster.UntilAsync(() => cluster.EventsFor(Ns, "web").Any(e => e.Reason == "SuccessfulDelete"), "a SuccessfulDelete event", ct);
    }

    [Test]
    public async Task Reconcile_MatchingOrphans_AdoptsThemAndDeletesUnscheduledAndUnreadyFirst(CancellationToken ct)
    {
        await using var cluster = await TestCluster.StartAsync(s => s.AddReplicaSetController(), ct: ct);
        var unschedulable = Template("web");
        unschedulable = unschedulable with
        {
            Spec = unschedulable.Spec with { NodeSelector = new Dictionary<string, string> { ["disk"] = "none-has-this" } },
        };
        await cluster.Store.CreateAsync(Pod("orphan-ready", "web"), ct);
        await cluster.Store.CreateAsync(Pod("orphan-unscheduled", "web", unschedulable), ct);
        await cluster.Store.CreateAsync(Pod("orphan-unready", "web", NeverReadyTemplate("web")), ct);
        await cluster.UntilAsync<Pod>(Ns, "orphan-ready", p => p.IsReady(), "is ready", ct);
        await cluster.UntilAsync<Pod>(Ns, "orphan-unready", p => p.Status?.Phase == PodPhase.Running, "runs", ct);

        var rs = await cluster.Store.CreateAsync(ReplicaSet("web", 1), ct);

        await cluster.UntilAsync(() => cluster.ActivePods(Ns, "app=web").Count == 1, "one pod remains", ct);
        var kept = cluster.ActivePods(Ns, "app=web").Single();
        Assert.That(kept.Metadata.Name, Is.EqualTo("orphan-ready"), "the unscheduled and the unready orphans were deleted first");
        Assert.That(ControllerOf(kept)?.Uid, Is.EqualTo(rs.Metadata.Uid), "the ready orphan was adopted");
        Assert.That(cluster.EventsFor(Ns, "web").Any(e => e.Reason == "SuccessfulCreate"), Is.False, "adopted pods count; none were created");
    }

    [Test]
    public async Task Reconcile_PodStopsMatching_ReleasesAndReplacesIt(CancellationToken ct)
    {
        await using var cluster = await TestCluster.StartAsync(s => s.AddReplicaSetController(), ct: ct);
        var rs = await cluster.Store.CreateAsync(ReplicaSet("web", 1), ct);
        await cluster.UntilAsync<ReplicaSet>(Ns, "web", r => r.Status?.ReadyReplicas == 1, "has a ready replica", ct);
        var pod = cluster.ActivePods(Ns, "app=web").Single();

        await cluster.Store.UpdateWithRetryAsync<Pod>(Ns, pod.Metadata.Name!,
            p => p with { Metadata = p.Metadata with { Labels = Labels("debugging") } }, ct);

        var released = await cluster.UntilAsync<Pod>(Ns, pod.Metadata.Name!, p => p.Metadata.OwnerReferences.Count == 0, "is released", ct);
        Assert.That(released.Metadata.DeletionTimestamp, Is.Null, "a released pod keeps running");
        await cluster.UntilAsync(() => cluster.ActivePods(Ns, "app=web").Count(p => ControllerOf(p)?.Uid == rs.Metadata.Uid) == 1,
            "a replacement is created", ct);
    }

    [Test]
    public async Task Reconcile_CreateRejected_ReportsReplicaFailureAndRetriesWithBackOff(CancellationToken ct)
    {
        QuotaStore? quota = null;
        await using var cluster = await TestCluster.StartAsync(
            s => s.AddReplicaSetController(), decorateStore: store => quota = new QuotaStore(store) { Exceeded = true }, ct: ct);

        await cluster.Store.CreateAsync(ReplicaSet("web", 3), ct);

        var failing = await cluster.UntilAsync<ReplicaSet>(Ns, "web",
            r => r.Status?.GetCondition(ReplicaSetConditionType.ReplicaFailure) is not null, "reports ReplicaFailure", ct);
        var condition = failing.Status!.GetCondition(ReplicaSetConditionType.ReplicaFailure)!;
        Assert.That(condition.Status, Is.EqualTo(ConditionStatus.True));
        Assert.That(condition.Reason, Is.EqualTo("FailedCreate"));
        Assert.That(condition.Message, Does.Contain("exceeded quota"));
        await cluster.UntilAsync(() => cluster.EventsFor(Ns, "web").Any(e => e.Reason == "FailedCreate" && e.Type == EventType.Warning),
            "a FailedCreate warning", ct);

        var before = quota!.Rejected;
        var window = TimeSpan.FromMilliseconds(500);
        await Task.Delay(window, ct); // measuring the retry rate over a fixed window, not waiting for a state
        Assert.That(quota.Rejected - before, Is.LessThan(15), "slow start and back-off keep a failing create from looping");

        quota.Exceeded = false;
        var recovered = await cluster.UntilAsync<ReplicaSet>(Ns, "web", r => r.Status?.ReadyReplicas == 3, "recovers to 3 ready replicas", ct);
        Assert.That(recovered.Status!.GetCondition(ReplicaSetConditionType.ReplicaFailure), Is.Null, "the condition is cleared");
    }

    [Test]
    public async Task Reconcile_MinReadySeconds_CountsPodsAvailableOnlyAfterThePeriod(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        await using var cluster = await TestCluster.StartAsync(s => s.AddReplicaSetController(), time: time, ct: ct);

        await cluster.Store.CreateAsync(ReplicaSet("web", 2, minReadySeconds: 30), ct);

        var ready = await cluster.UntilAsync<ReplicaSet>(Ns, "web", r => r.Status?.ReadyReplicas == 2, "has 2 ready replicas", ct);
        Assert.That(ready.Status!.AvailableReplicas, Is.Zero, "ready pods are not available before minReadySeconds");
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(cluster.Get<ReplicaSet>(Ns, "web")!.Status!.AvailableReplicas, Is.Zero);

        time.Advance(TimeSpan.FromSeconds(1));

        await cluster.UntilAsync<ReplicaSet>(Ns, "web", r => r.Status?.AvailableReplicas == 2, "has 2 available replicas after 30 s", ct);
    }

    [Test]
    public async Task Reconcile_ReplicationController_KeepsReplicasOfItsEqualitySelector(CancellationToken ct)
    {
        await using var cluster = await TestCluster.StartAsync(s => s.AddReplicationControllerController(), ct: ct);
        await cluster.Store.CreateAsync(Pod("unrelated", "other"), ct);

        var rc = await cluster.Store.CreateAsync(ReplicationController("legacy", 2), ct);

        var status = (await cluster.UntilAsync<ReplicationController>(Ns, "legacy", r => r.Status?.AvailableReplicas == 2, "has 2 available", ct)).Status!;
        Assert.That(status.Replicas, Is.EqualTo(2));
        Assert.That(status.ObservedGeneration, Is.EqualTo(rc.Metadata.Generation));
        Assert.That(cluster.ActivePods(Ns, "app=legacy").All(p => ControllerOf(p) is { Kind: "ReplicationController" } r && r.Uid == rc.Metadata.Uid));
        Assert.That(ControllerOf(cluster.Get<Pod>(Ns, "unrelated")!), Is.Null, "a pod outside the selector is left alone");

        await ScaleAsync<ReplicationController>(cluster, "legacy", rc => rc with { Spec = rc.Spec with { Replicas = 1 } }, ct);
        await cluster.UntilAsync(() => cluster.ActivePods(Ns, "app=legacy").Count == 1, "scaled down to one pod", ct);
    }

    private static Task ScaleAsync(TestCluster cluster, string name, int replicas, CancellationToken ct) =>
        ScaleAsync<ReplicaSet>(cluster, name, rs => rs with { Spec = rs.Spec with { Replicas = replicas } }, ct);

    private static async Task ScaleAsync<T>(TestCluster cluster, string name, Func<T, T> change, CancellationToken ct) where T : KubernetesObject =>
        await cluster.Store.UpdateWithRetryAsync<T>(Ns, name, change, ct);
}
