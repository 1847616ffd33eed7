using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;
using static Orchestrator.Tests.Controllers.Deployments.DeploymentTestKit;
using static Orchestrator.Tests.Controllers.ReplicaSets.TestWorkloads;

namespace Orchestrator.Tests.Controllers.Deployments;

[CancelAfter(90_000)]
public sealed class DeploymentControllerTests
{
    [Test]
    public async Task Reconcile_NewDeployment_CreatesHashedReplicaSetAndBecomesAvailable(CancellationToken ct)
    {
        await using var cluster = await StartAsync(ct);

        var created = await cluster.Store.CreateAsync(Deployment("web", 3), ct);
        var d = await UntilCompleteAsync(cluster, "web", ct);

        var rs = ReplicaSetsOf(cluster, d).Single();
        var hash = rs.Metadata.Labels[WellKnownLabels.PodTemplateHash];
        Assert.That(rs.Metadata.Name, Is.EqualTo($"web-{hash}"));
        Assert.That(rs.Spec.Selector!.MatchLabels[WellKnownLabels.PodTemplateHash], Is.EqualTo(hash));
        Assert.That(rs.Spec.Template.Metadata.Labels[WellKnownLabels.PodTemplateHash], Is.EqualTo(hash));
        Assert.That(Revision(rs), Is.EqualTo("1"));
        Assert.That(Revision(d), Is.EqualTo("1"));
        Assert.That(ControllerOf(rs)!.BlockOwnerDeletion, Is.True);
        Assert.That(cluster.ActivePods(Ns, "app=web").All(p => p.Metadata.Labels[WellKnownLabels.PodTemplateHash] == hash));

        var status = d.Status!;
        Assert.That((status.Replicas, status.UpdatedReplicas, status.ReadyReplicas, status.AvailableReplicas, status.UnavailableReplicas),
            Is.EqualTo((3, 3, 3, 3, 0)));
        Assert.That(status.ObservedGeneration, Is.EqualTo(created.Metadata.Generation));
        Assert.That(Condition(d, DeploymentConditionType.Available)?.Reason, Is.EqualTo(DeploymentConditionReasons.MinimumReplicasAvailable));
        Assert.That(Condition(d, DeploymentConditionType.Available)?.Status, Is.EqualTo(ConditionStatus.True));
        Assert.That(Condition(d, DeploymentConditionType.Progressing)?.Reason, Is.EqualTo(DeploymentConditionReasons.NewReplicaSetAvailable));
        await cluster.UntilAsync(() => cluster.EventsFor(Ns, "web").Any(e =>
            e.Reason == "ScalingReplicaSet" && e.Message == $"Scaled up replica set {rs.Metadata.Name} from 0 to 3"), "a ScalingReplicaSet event", ct);
    }

    [Test]
    public async Task Reconcile_ReplicasChanged_ScalesTheReplicaSet(CancellationToken ct)
    {
        await using var cluster = await StartAsync(ct);
        await cluster.Store.CreateAsync(Deployment("web", 2), ct);
        await UntilCompleteAsync(cluster, "web", ct);

        await UpdateSpecAsync(cluster, "web", s => s with { Replicas = 5 }, ct);
        var d = await UntilCompleteAsync(cluster, "web", ct);
        Assert.That(cluster.ActivePods(Ns, "app=web"), Has.Count.EqualTo(5));

        await UpdateSpecAsync(cluster, "web", s => s with { Replicas = 1 }, ct);
        d = await UntilCompleteAsync(cluster, "web", ct);
        await cluster.UntilAsync(() => cluster.ActivePods(Ns, "app=web").Count == 1, "one pod remains", ct);
        Assert.That(ReplicaSetsOf(cluster, d).Single().Spec.Replicas, Is.EqualTo(1));
        Assert.That(Revision(d), Is.EqualTo("1"), "scaling is not a new revision");
    }

    private static IEnumerable<TestCaseData> Strategies()
    {
        yield return new TestCaseData((IntOrString)"25%", (IntOrString)"25%").SetArgDisplayNames("25%", "25%");
        yield return new TestCaseData((IntOrString)0, (IntOrString)1).SetArgDisplayNames("0", "1");
        yield return new TestCaseData((IntOrString)2, (IntOrString)0).SetArgDisplayNames("2", "0");
        yield return new TestCaseData((IntOrString)3, (IntOrString)2).SetArgDisplayNames("3", "2");
    }

    [TestCaseSource(nameof(Strategies))]
    public async Task RollingUpdate_NewTemplate_NeverExceedsSurgeNorDropsBelowAvailability(IntOrString maxSurge, IntOrString maxUnavailable, CancellationToken ct)
    {
        const int replicas = 8;
        await using var cluster = await StartAsync(ct);
        var strategy = RollingUpdate(maxSurge, maxUnavailable);
        await cluster.Store.CreateAsync(Deployment("web", replicas, Version("web", 1), strategy), ct);
        await UntilCompleteAsync(cluster, "web", ct);
        var (surge, unavailable) = strategy.RollingUpdate!.ResolveFenceposts(replicas);
        var sawMixed = false;
        using var observer = await RolloutObserver.StartAsync(cluster.Store, Ns, "app=web", pods =>
        {
            var active = pods.Where(p => p.Metadata.DeletionTimestamp is null && !p.IsTerminal()).ToArray();
            var available = active.Count(p => p.IsReady());
            sawMixed |= active.Select(p => VersionOf(p.Metadata)).Distinct().Count() > 1;
            return active.Length > replicas + surge || available < replicas - unavailable
                ? $"{active.Length} pods ({available} available) exceed {replicas}+{surge} or fall below {replicas}-{unavailable}"
                : null;
        }, ct);

        await SetTemplateAsync(cluster, "web", Version("web", 2), ct);
        var d = await UntilCompleteAsync(cluster, "web", ct);

        Assert.That(observer.Violations, Is.Empty);
        Assert.That(sawMixed, Is.True, "old and new pods ran side by side");
        Assert.That(observer.States, Is.GreaterThan(replicas * 2), "every pod change was observed");
        var newRS = ReplicaSetOfVersion(cluster, d, 2);
        Assert.That(Revision(newRS), Is.EqualTo("2"));
        Assert.That(ReplicaSetOfVersion(cluster, d, 1).Spec.Replicas, Is.Zero, "the old ReplicaSet is kept, scaled to zero");
        await cluster.UntilAsync(() => cluster.ActivePods(Ns, "app=web").All(p => VersionOf(p.Metadata) == 2), "only new pods remain", ct);
    }

    [Test]
    public async Task Recreate_NewTemplate_StartsNewPodsOnlyAfterEveryOldPodIsGone(CancellationToken ct)
    {
        await using var cluster = await StartAsync(ct);
        await cluster.Store.CreateAsync(Deployment("web", 3, Version("web", 1), Recreate), ct);
        await UntilCompleteAsync(cluster, "web", ct);
        using var observer = await RolloutObserver.StartAsync(cluster.Store, Ns, "app=web", pods =>
            pods.Any(p => VersionOf(p.Metadata) == 2) && pods.Any(p => VersionOf(p.Metadata) == 1)
                ? $"new pods exist while old pods remain: {string.Join(", ", pods.Select(p => p.Metadata.Name))}"
                : null, ct);

        await SetTemplateAsync(cluster, "web", Version("web", 2), ct);
        await UntilCompleteAsync(cluster, "web", ct);

        Assert.That(observer.Violations, Is.Empty);
        Assert.That(cluster.ActivePods(Ns, "app=web").Select(p => VersionOf(p.Metadata)), Is.EqualTo(new[] { 2, 2, 2 }));
    }

    [Test]
    public async Task Pause_TemplateChanged_DoesNotRollUntilResumed(CancellationToken ct)
    {
        await using var cluster = await StartAsync(ct);
        await cluster.Store.CreateAsync(Deployment("web", 2, Version("web", 1)), ct);
        await UntilCompleteAsync(cluster, "web", ct);
        var rollouts = new DeploymentRollouts(cluster.Store);

        Assert.That(await rollouts.PauseAsync(Ns, "web", ct), Is.True);
        Assert.That(await rollouts.PauseAsync(Ns, "web", ct), Is.False, "already paused");
        var changed = await SetTemplateAsync(cluster, "web", Version("web", 2), ct);
        await UpdateSpecAsync(cluster, "web", s => s with { Replicas = 3 }, ct);

        var paused = await cluster.UntilAsync<Deployment>(Ns, "web",
            d => d.Status?.ObservedGeneration > changed.Metadata.Generation && d.Status.AvailableReplicas == 3,
            "observes the paused spec and scales", ct);
        Assert.That(Condition(paused, DeploymentConditionType.Progressing)?.Reason, Is.EqualTo(DeploymentConditionReasons.DeploymentPaused));
        Assert.That(Condition(paused, DeploymentConditionType.Progressing)?.Status, Is.EqualTo(ConditionStatus.Unknown));
        Assert.That(ReplicaSetsOf(cluster, paused), Has.Count.EqualTo(1), "no new ReplicaSet while paused");
        Assert.That(cluster.ActivePods(Ns, "app=web").All(p => VersionOf(p.Metadata) == 1), "scaling applies, the new template does not");

        Assert.That(await rollouts.ResumeAsync(Ns, "web", ct), Is.True);
        var resumed = await UntilCompleteAsync(cluster, "web", ct);

        Assert.That(ReplicaSetOfVersion(cluster, resumed, 2).Spec.Replicas, Is.EqualTo(3));
        await cluster.UntilAsync(() => cluster.ActivePods(Ns, "app=web").All(p => VersionOf(p.Metadata) == 2), "only new pods remain", ct);
    }

    [Test]
    public async Task Reconcile_ReplicasChangedMidRollout_ScalesReplicaSetsProportionally(CancellationToken ct)
    {
        await using var cluster = await StartAsync(ct);
        await cluster.Store.CreateAsync(Deployment("web", 10, Version("web", 1), RollingUpdate(3, 2)), ct);
        var d = await UntilCompleteAsync(cluster, "web", ct);
        // The new pods never become ready, so the rollout stalls at old 8 (10 - maxUnavailable) and new 5 (13 - 8).
        await SetTemplateAsync(cluster, "web", NeverReadyVersion("web", 2), ct);
        await cluster.UntilAsync(() =>
            ReplicaSetsOf(cluster, d).Count == 2 && ReplicaSetOfVersion(cluster, d, 1).Spec.Replicas == 8 &&
            ReplicaSetOfVersion(cluster, d, 2).Spec.Replicas == 5 && cluster.ActivePods(Ns, "app=web").Count == 13, "the rollout stalls at 8 old and 5 new", () => Describe(cluster, d), ct);

        await UpdateSpecAsync(cluster, "web", s => s with { Replicas = 20 }, ct);

        // 23 (20 + maxSurge) spread by the sizes at the last scaling (13): old 8 -> round(8*23/13) = 14, new 5 -> 9.
        await cluster.UntilAsync(() =>
            ReplicaSetOfVersion(cluster, d, 1).Spec.Replicas == 14 && ReplicaSetOfVersion(cluster, d, 2).Spec.Replicas == 9,
            "the ReplicaSets are 14 old and 9 new", () => Describe(cluster, d), ct);
        await cluster.UntilAsync(() => cluster.EventsFor(Ns, "web").Any(e => e.Message?.StartsWith("Scaled up replica set", StringComparison.Ordinal) == true &&
            e.Message.EndsWith("from 8 to 14", StringComparison.Ordinal)), "a proportional scaling event", ct);
    }

    [Test]
    public async Task ProgressDeadline_PodsNeverReady_SetsProgressDeadlineExceeded(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        await using var cluster = await StartAsync(ct, time);
        var deployment = Deployment("web", 2, NeverReadyTemplate("web"));
        await cluster.Store.CreateAsync(deployment with { Spec = deployment.Spec with { ProgressDeadlineSeconds = 30 } }, ct);
        await cluster.UntilAsync(() => cluster.ActivePods(Ns, "app=web").Count(p => p.Status?.Phase == PodPhase.Running) == 2, "two pods run", ct);
        var progressing = await cluster.UntilAsync<Deployment>(Ns, "web",
            d => Condition(d, DeploymentConditionType.Progressing)?.Status == ConditionStatus.True && d.Status!.UpdatedReplicas == 2,
            "is progressing", ct);
        Assert.That(Condition(progressing, DeploymentConditionType.Available)?.Status, Is.EqualTo(ConditionStatus.False));

        time.Advance(TimeSpan.FromSeconds(20));
        Assert.That(Condition(cluster.Get<Deployment>(Ns, "web")!, DeploymentConditionType.Progressing)?.Status, Is.EqualTo(ConditionStatus.True),
            "still within the deadline");
        time.Advance(TimeSpan.FromSeconds(12));

        // The controller's requeue timer may be registered only after an Advance; nudge the clock until it fires.
        var stuck = await cluster.UntilAsync<Deployment>(Ns, "web", d =>
            {
                if (Condition(d, DeploymentConditionType.Progressing)?.Reason == DeploymentConditionReasons.ProgressDeadlineExceeded) return true;
                time.Advance(TimeSpan.FromMilliseconds(100));
                return false;
            },
            "reports ProgressDeadlineExceeded", ct);
        Assert.That(Condition(stuck, DeploymentConditionType.Progressing)!.Status, Is.EqualTo(ConditionStatus.False));
        var error = Assert.ThrowsAsync<RolloutException>(() => new DeploymentRollouts(cluster.Store).GetStatusAsync(Ns, "web", ct));
        Assert.That(error!.Message, Is.EqualTo("deployment \"web\" exceeded its progress deadline"));
    }

    [Test]
    public async Task MinReadySeconds_ReadyPods_CountAsAvailableOnlyAfterThePeriod(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        await using var cluster = await StartAsync(ct, time);
        var deployment = Deployment("web", 2);
        await cluster.Store.CreateAsync(deployment with { Spec = deployment.Spec with { MinReadySeconds = 10 } }, ct);

        var ready = await cluster.UntilAsync<Deployment>(Ns, "web", d => d.Status?.ReadyReplicas == 2, "has 2 ready replicas", ct);
        Assert.That(ready.Status!.AvailableReplicas, Is.Zero);
        Assert.That(Condition(ready, DeploymentConditionType.Available)?.Status, Is.EqualTo(ConditionStatus.False));

        time.Advance(TimeSpan.FromSeconds(10));

        var available = await cluster.UntilAsync<Deployment>(Ns, "web", d => d.Status?.AvailableReplicas == 2, "has 2 available replicas", ct);
        Assert.That(Condition(available, DeploymentConditionType.Available)?.Status, Is.EqualTo(ConditionStatus.True));
    }

    [Test]
    public async Task Cleanup_RevisionHistoryLimit_DeletesOldestZeroReplicaSets(CancellationToken ct)
    {
        await using var cluster = await StartAsync(ct);
        var deployment = Deployment("web", 1, Version("web", 1));
        await cluster.Store.CreateAsync(deployment with { Spec = deployment.Spec with { RevisionHistoryLimit = 1 } }, ct);
        await UntilCompleteAsync(cluster, "web", ct);
        for (var version = 2; version <= 4; version++)
        {
            await SetTemplateAsync(cluster, "web", Version("web", version), ct);
            await UntilCompleteAsync(cluster, "web", ct);
        }

        var d = cluster.Get<Deployment>(Ns, "web")!;
        await cluster.UntilAsync(() => ReplicaSetsOf(cluster, d).Count == 2, "only the current and one old ReplicaSet remain", ct);
        Assert.That(ReplicaSetsOf(cluster, d).Select(rs => VersionOf(rs.Spec.Template.Metadata)), Is.EquivalentTo(new[] { 3, 4 }));
        Assert.That(Revision(d), Is.EqualTo("4"));
    }

    [Test]
    public async Task Reconcile_ReplicaSetNameTaken_BumpsCollisionCountAndUsesAnotherHash(CancellationToken ct)
    {
        await using var cluster = await StartAsync(ct);
        var paused = Deployment("web", 1);
        var d = await cluster.Store.CreateAsync<Deployment>(paused with { Spec = paused.Spec with { Paused = true } }, ct);
        var taken = $"web-{PodTemplateHash.Compute(d.Spec.Template, null)}";
        await cluster.Store.CreateAsync(ReplicaSet("squatter", 0) with { Metadata = new ObjectMeta { Name = taken, Namespace = Ns } }, ct);

        await new DeploymentRollouts(cluster.Store).ResumeAsync(Ns, "web", ct);
        d = await UntilCompleteAsync(cluster, "web", ct);

        Assert.That(d.Status!.CollisionCount, Is.EqualTo(1));
        var rs = ReplicaSetsOf(cluster, d).Single();
        Assert.That(rs.Metadata.Name, Is.EqualTo($"web-{PodTemplateHash.Compute(d.Spec.Template, 1)}").And.Not.EqualTo(taken));
        Assert.That(ControllerOf(cluster.Get<ReplicaSet>(Ns, taken)!), Is.Null, "the other ReplicaSet is left alone");
    }

    [Test]
    public async Task Reconcile_OrphanedReplicaSet_IsAdoptedWithoutReplacingPods(CancellationToken ct)
    {
        await using var cluster = await StartAsync(ct);
        var original = await cluster.Store.CreateAsync(Deployment("web", 2), ct);
        await UntilCompleteAsync(cluster, "web", ct);
        var pods = cluster.ActivePods(Ns, "app=web").Select(p => p.Metadata.Uid).ToHashSet();
        await cluster.Store.DeleteAsync<Deployment>(Ns, "web", new DeleteOptions { PropagationPolicy = PropagationPolicy.Orphan }, ct);
        await cluster.UntilAsync(() => cluster.Get<Deployment>(Ns, "web") is null &&
            cluster.List<ReplicaSet>(Ns).All(rs => rs.Metadata.OwnerReferences.Count == 0), "the ReplicaSet is orphaned", ct);

        var adopter = await cluster.Store.CreateAsync(Deployment("web", 2), ct);

        var d = await UntilCompleteAsync(cluster, "web", ct);
        var rs = ReplicaSetsOf(cluster, d).Single();
        Assert.That(ControllerOf(rs)?.Uid, Is.EqualTo(adopter.Metadata.Uid).And.Not.EqualTo(original.Metadata.Uid));
        Assert.That(cluster.ActivePods(Ns, "app=web").Select(p => p.Metadata.Uid), Is.EquivalentTo(pods), "the same pods keep running");
    }

    private static string Describe(TestCluster cluster, Deployment d) =>
        string.Join(", ", ReplicaSetsOf(cluster, d).Select(rs => $"{rs.Metadata.Name}: {rs.Spec.Replicas} wanted, {rs.Status?.ReadyReplicas} ready")) +
        $"; {cluster.ActivePods(Ns, "app=web").Count} active pods";
}
