using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Runtime.Simulated;
using Orchestrator.Store;
using Orchestrator.Tests.Controllers.Jobs;
using Orchestrator.Tests.Testing;

namespace Orchestrator.Tests.Controllers.StatefulSets;

/// <summary>
/// The StatefulSet controller with the volume binder on a mini-cluster and a fake clock. Pods without a readiness probe
/// are ready as soon as they run; the ordering test delays readiness with a probe and <c>ready-after</c>.
/// </summary>
[CancelAfter(60_000)]
public sealed class StatefulSetControllerTests
{
    private const string Ns = "default";

    /// <summary>How far to move the clock while waiting on claims: the node agent's retry interval for unresolved volumes.</summary>
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(10);

    private FakeTimeProvider _time = null!;
    private TestCluster _cluster = null!;
    private string _volumes = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider();
        _volumes = Directory.CreateTempSubdirectory("orchestrator-sts-").FullName;
        _cluster = await TestCluster.StartAsync(
            s => s.AddStatefulSetController().AddPersistentVolumeBinder(o => o.ProvisioningDirectory = _volumes), nodes: 3, time: _time);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_volumes, recursive: true);
    }

    [Test]
    public async Task Reconcile_OrderedReady_CreatesEachPodOnlyAfterThePreviousIsReady(CancellationToken ct)
    {
        using var timeline = PodTimeline.Watch(_cluster.Store, Ns);
        var template = Template("web", ImmutableDictionary<string, string>.Empty.Add(SimulatedAnnotations.ReadyAfter, "10s"), readinessProbe: true);
        await _cluster.Store.CreateAsync(StatefulSet("web", 3, template), ct);

        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            var name = $"web-{ordinal}";
            await _cluster.UntilAsync<Pod>(Ns, name, p => p.Status?.Phase == PodPhase.Running, "runs", ct);
            await _cluster.UntilAsync<StatefulSet>(Ns, "web", s => s.Status?.Replicas == ordinal + 1, $"counts {ordinal + 1} pods", ct);
            Assert.That(_cluster.Get<Pod>(Ns, $"web-{ordinal + 1}"), Is.Null, $"web-{ordinal + 1} waits for {name} to be ready");
            _time.Advance(TimeSpan.FromSeconds(10));
            await _cluster.UntilAsync<Pod>(Ns, name, p => p.IsReady(), "is ready", ct);
        }

        var set = await _cluster.UntilAsync<StatefulSet>(Ns, "web", s => s.Status?.ReadyReplicas == 3, "has three ready pods", ct);
        Assert.That(set.Status!.AvailableReplicas, Is.EqualTo(3));
        timeline.Replay((e, before) =>
        {
            if (e.Type != WatchEventType.Added || e.Object.Metadata.Name is not { } name || name == "web-0") return;
            var previous = $"web-{int.Parse(name["web-".Length..]) - 1}";
            Assert.That(before.TryGetValue(previous, out var p) && p.IsReady(), Is.True, $"{previous} was ready when {name} was created");
        });
        var pod = _cluster.Get<Pod>(Ns, "web-1")!;
        Assert.Multiple(() =>
        {
            Assert.That(pod.Spec.Hostname, Is.EqualTo("web-1"));
            Assert.That(pod.Spec.Subdomain, Is.EqualTo("web-svc"));
            Assert.That(pod.Metadata.Labels[WellKnownLabels.StatefulSetPodName], Is.EqualTo("web-1"));
            Assert.That(pod.Metadata.Labels[WellKnownLabels.PodIndex], Is.EqualTo("1"));
            Assert.That(pod.Metadata.Labels[WellKnownLabels.ControllerRevisionHash], Is.EqualTo(set.Status.UpdateRevision));
            Assert.That(_cluster.Get<ControllerRevision>(Ns, set.Status.UpdateRevision!), Is.Not.Null);
        });
    }

    [Test]
    public async Task Reconcile_ScaleDown_DeletesFromHighestOrdinalOneAtATime(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(StatefulSet("db", 3), ct);
        await _cluster.UntilAsync<StatefulSet>(Ns, "db", s => s.Status?.ReadyReplicas == 3, "has three ready pods", ct);
        using var timeline = PodTimeline.Watch(_cluster.Store, Ns);

        await ScaleAsync("db", 1, ct);

        await _cluster.UntilAsync<StatefulSet>(Ns, "db", s => s.Status?.Replicas == 1 && _cluster.Get<Pod>(Ns, "db-1") is null, "has one pod", ct);
        Assert.Multiple(() =>
        {
            Assert.That(timeline.DeletionStarted("db-2"), Is.GreaterThanOrEqualTo(0));
            Assert.That(timeline.DeletionStarted("db-1"), Is.GreaterThan(timeline.Removed("db-2")), "db-1 goes only once db-2 is gone");
            Assert.That(timeline.DeletionStarted("db-0"), Is.EqualTo(-1));
            Assert.That(_cluster.Get<Pod>(Ns, "db-0")!.IsReady(), Is.True);
        });
    }

    [Test]
    public async Task Reconcile_Parallel_CreatesAllPodsWithoutWaiting(CancellationToken ct)
    {
        var template = Template("par", ImmutableDictionary<string, string>.Empty.Add(SimulatedAnnotations.FailReadiness, "true"), readinessProbe: true);
        var set = StatefulSet("par", 3, template);
        set = set with { Spec = set.Spec with { PodManagementPolicy = PodManagementPolicy.Parallel, Ordinals = new StatefulSetOrdinals { Start = 5 } } };
        await _cluster.Store.CreateAsync(set, ct);

        var status = (await _cluster.UntilAsync<StatefulSet>(Ns, "par", s => s.Status?.Replicas == 3, "counts three pods", ct)).Status!;
        Assert.Multiple(() =>
        {
            Assert.That(_cluster.List<Pod>(Ns, "app=par").Select(p => p.Metadata.Name), Is.EquivalentTo(new[] { "par-5", "par-6", "par-7" }));
            Assert.That(status.ReadyReplicas, Is.Zero, "none is ready, yet all were created");
        });
    }

    [Test]
    public async Task Reconcile_VolumeClaimTemplates_OneBoundClaimPerOrdinalReusedByReplacementPods(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(StatefulSet("kv", 2, claims: true), ct);
        // A node agent that started a pod before its claim was bound retries on its clock.
        await _cluster.UntilTickingAsync(() => _cluster.Get<StatefulSet>(Ns, "kv")?.Status?.ReadyReplicas == 2, "kv has two ready pods", Retry, ct);
        var claim0 = await _cluster.UntilAsync<PersistentVolumeClaim>(Ns, "data-kv-0", c => c.IsBound(), "is bound", ct);
        var claim1 = await _cluster.UntilAsync<PersistentVolumeClaim>(Ns, "data-kv-1", c => c.IsBound(), "is bound", ct);
        var pod0 = _cluster.Get<Pod>(Ns, "kv-0")!;
        Assert.Multiple(() =>
        {
            Assert.That(pod0.Spec.Volumes.Single(v => v.Name == "data").PersistentVolumeClaim!.ClaimName, Is.EqualTo("data-kv-0"));
            Assert.That(claim0.Metadata.Labels["app"], Is.EqualTo("kv"));
            Assert.That(claim0.Metadata.OwnerReferences, Is.Empty, "Retain: the claim belongs to no one");
            Assert.That(Directory.Exists(_cluster.Get<PersistentVolume>(null, claim0.Spec.VolumeName!)!.Spec.HostPath!.Path), Is.True);
        });

        await _cluster.Store.DeleteAsync<Pod>(Ns, "kv-0", null, ct);
        await _cluster.UntilTickingAsync(() => _cluster.Get<Pod>(Ns, "kv-0") is { } p && p.Metadata.Uid != pod0.Metadata.Uid && p.IsReady(),
            "kv-0 is replaced", Retry, ct);
        var replacement = _cluster.Get<Pod>(Ns, "kv-0")!;
        Assert.Multiple(() =>
        {
            Assert.That(replacement.Spec.Volumes.Single(v => v.Name == "data").PersistentVolumeClaim!.ClaimName, Is.EqualTo("data-kv-0"));
            Assert.That(_cluster.Get<PersistentVolumeClaim>(Ns, "data-kv-0")!.Metadata.Uid, Is.EqualTo(claim0.Metadata.Uid), "the same claim");
        });

        await ScaleAsync("kv", 1, ct);
        await _cluster.UntilAsync(() => _cluster.Get<Pod>(Ns, "kv-1") is null, "kv-1 is gone", ct);
        Assert.That(_cluster.Get<PersistentVolumeClaim>(Ns, "data-kv-1")?.Metadata.Uid, Is.EqualTo(claim1.Metadata.Uid), "the claim survives the scale-down");
        await ScaleAsync("kv", 2, ct);
        await _cluster.UntilTickingAsync(() => _cluster.Get<Pod>(Ns, "kv-1")?.IsReady() == true, "kv-1 is back", Retry, ct);
        var back = _cluster.Get<Pod>(Ns, "kv-1")!;
        Assert.That(back.Spec.Volumes.Single(v => v.Name == "data").PersistentVolumeClaim!.ClaimName, Is.EqualTo("data-kv-1"));
        Assert.That(_cluster.Get<PersistentVolumeClaim>(Ns, "data-kv-1")!.Metadata.Uid, Is.EqualTo(claim1.Metadata.Uid));
    }

    [Test]
    public async Task Reconcile_RetentionPolicyDeleteWhenScaled_DeletesClaimsOfRemovedPods(CancellationToken ct)
    {
        var set = StatefulSet("tmp", 2, claims: true);
        set = set with
        {
            Spec = set.Spec with
            {
                PersistentVolumeClaimRetentionPolicy = new StatefulSetPersistentVolumeClaimRetentionPolicy
                {
                    WhenScaled = PersistentVolumeClaimRetentionPolicyType.Delete,
                    WhenDeleted = PersistentVolumeClaimRetentionPolicyType.Delete,
                },
            },
        };
        var created = await _cluster.Store.CreateAsync(set, ct);
        await _cluster.UntilTickingAsync(() => _cluster.Get<StatefulSet>(Ns, "tmp")?.Status?.ReadyReplicas == 2, "tmp has two ready pods", Retry, ct);
        var claim = _cluster.Get<PersistentVolumeClaim>(Ns, "data-tmp-0")!;
        Assert.That(claim.Metadata.OwnerReferences.Single().Uid, Is.EqualTo(created.Metadata.Uid), "whenDeleted Delete: the set owns its claims");

        await ScaleAsync("tmp", 1, ct);

        await _cluster.UntilAsync(() => _cluster.Get<PersistentVolumeClaim>(Ns, "data-tmp-1") is null, "the claim of tmp-1 is deleted", ct);
        Assert.That(_cluster.Get<PersistentVolumeClaim>(Ns, "data-tmp-0"), Is.Not.Null);
    }

    [Test]
    public async Task Reconcile_RollingUpdateWithPartition_UpdatesFromHighestOrdinalDownToPartition(CancellationToken ct)
    {
        var set = StatefulSet("app", 3);
        set = set with { Spec = set.Spec with { UpdateStrategy = new StatefulSetUpdateStrategy { RollingUpdate = new RollingUpdateStatefulSetStrategy { Partition = 1 } } } };
        await _cluster.Store.CreateAsync(set, ct);
        var before = await _cluster.UntilAsync<StatefulSet>(Ns, "app", s => s.Status?.ReadyReplicas == 3, "has three ready pods", ct);
        var oldRevision = before.Status!.UpdateRevision;
        using var timeline = PodTimeline.Watch(_cluster.Store, Ns);

        await ChangeTemplateAsync("app", "v2", ct);

        var after = await _cluster.UntilAsync<StatefulSet>(Ns, "app", s => s.Status?.UpdatedReplicas == 2 && s.Status.ReadyReplicas == 3,
            "has two updated pods", ct);
        var newRevision = after.Status!.UpdateRevision;
        var web2 = _cluster.Get<Pod>(Ns, "app-2")!;
        Assert.Multiple(() =>
        {
            Assert.That(newRevision, Is.Not.EqualTo(oldRevision));
            Assert.That(Revision("app-0"), Is.EqualTo(oldRevision), "below the partition");
            Assert.That(Revision("app-1"), Is.EqualTo(newRevision));
            Assert.That(Revision("app-2"), Is.EqualTo(newRevision));
            Assert.That(after.Status.CurrentRevision, Is.EqualTo(oldRevision));
            Assert.That(after.Status.CurrentReplicas, Is.EqualTo(1));
            Assert.That(timeline.DeletionStarted("app-1"), Is.GreaterThan(timeline.DeletionStarted("app-2")), "the highest ordinal goes first");
        });
        // app-1 is replaced only once the new app-2 runs and is ready.
        timeline.Replay((e, state) =>
        {
            if (e.Object.Metadata.Name != "app-1" || e.Object.Metadata.DeletionTimestamp is null) return;
            Assert.That(state.TryGetValue("app-2", out var p) && p.Metadata.Uid == web2.Metadata.Uid && p.IsReady(), Is.True,
                "the updated app-2 was ready when app-1 was deleted");
        });

        await _cluster.Store.UpdateWithRetryAsync<StatefulSet>(Ns, "app", s => s with
        {
            Spec = s.Spec with { UpdateStrategy = new StatefulSetUpdateStrategy { RollingUpdate = new RollingUpdateStatefulSetStrategy { Partition = 0 } } },
        }, ct);

        var done = await _cluster.UntilAsync<StatefulSet>(Ns, "app", s => s.Status?.CurrentRevision == newRevision && s.Status!.ReadyReplicas == 3,
            "completes the update", ct);
        Assert.Multiple(() =>
        {
            Assert.That(Revision("app-0"), Is.EqualTo(newRevision));
            Assert.That(done.Status!.CurrentReplicas, Is.EqualTo(3));
            Assert.That(done.Status.UpdatedReplicas, Is.EqualTo(3));
            Assert.That(done.Status.ObservedGeneration, Is.EqualTo(done.Metadata.Generation));
        });
    }

    [Test]
    public async Task Reconcile_OnDelete_OnlyReplacedPodsGetTheNewRevision(CancellationToken ct)
    {
        var set = StatefulSet("od", 2);
        set = set with { Spec = set.Spec with { UpdateStrategy = new StatefulSetUpdateStrategy { Type = StatefulSetUpdateStrategyType.OnDelete } } };
        await _cluster.Store.CreateAsync(set, ct);
        var before = await _cluster.UntilAsync<StatefulSet>(Ns, "od", s => s.Status?.ReadyReplicas == 2, "has two ready pods", ct);
        var oldRevision = before.Status!.UpdateRevision;

        var changed = await ChangeTemplateAsync("od", "v2", ct);
        var updated = await _cluster.UntilAsync<StatefulSet>(Ns, "od", s => s.Status?.ObservedGeneration == changed.Metadata.Generation,
            "observes the new template", ct);
        Assert.Multiple(() =>
        {
            Assert.That(updated.Status!.UpdateRevision, Is.Not.EqualTo(oldRevision));
            Assert.That(Revision("od-0"), Is.EqualTo(oldRevision));
            Assert.That(Revision("od-1"), Is.EqualTo(oldRevision), "nothing is replaced by the controller");
            Assert.That(updated.Status.UpdatedReplicas, Is.Zero);
        });

        var old1 = _cluster.Get<Pod>(Ns, "od-1")!;
        await _cluster.Store.DeleteAsync<Pod>(Ns, "od-1", null, ct);

        await _cluster.UntilAsync<Pod>(Ns, "od-1", p => p.Metadata.Uid != old1.Metadata.Uid && p.IsReady(), "is recreated", ct);
        Assert.Multiple(() =>
        {
            Assert.That(Revision("od-1"), Is.EqualTo(updated.Status!.UpdateRevision));
            Assert.That(Revision("od-0"), Is.EqualTo(oldRevision));
        });
    }

    private string? Revision(string pod) => _cluster.Get<Pod>(Ns, pod)?.Metadata.Labels[WellKnownLabels.ControllerRevisionHash];

    private Task ScaleAsync(string name, int replicas, CancellationToken ct) =>
        _cluster.Store.UpdateWithRetryAsync<StatefulSet>(Ns, name, s => s with { Spec = s.Spec with { Replicas = replicas } }, ct).AsTask();

    private Task<StatefulSet> ChangeTemplateAsync(string name, string version, CancellationToken ct) =>
        _cluster.Store.UpdateWithRetryAsync<StatefulSet>(Ns, name, s => s with
        {
            Spec = s.Spec with
            {
                Template = s.Spec.Template with
                {
                    Metadata = s.Spec.Template.Metadata with
                    {
                        Annotations = s.Spec.Template.Metadata.Annotations.ToImmutableDictionary().SetItem("version", version),
                    },
                },
            },
        }, ct).AsTask();

    private static PodTemplateSpec Template(string app, IReadOnlyDictionary<string, string>? annotations = null, bool readinessProbe = false) => new()
    {
        Metadata = new ObjectMeta
        {
            Labels = ImmutableDictionary<string, string>.Empty.Add("app", app),
            Annotations = annotations ?? ImmutableDictionary<string, string>.Empty,
        },
        Spec = new PodSpec
        {
            Containers =
            [
                new Container
                {
                    Name = "main",
                    Image = TestCluster.Image,
                    ReadinessProbe = readinessProbe ? new Probe { Exec = new ExecAction { Command = ["true"] }, PeriodSeconds = 1 } : null,
                },
            ],
        },
    };

    private static StatefulSet StatefulSet(string name, int replicas, PodTemplateSpec? template = null, bool claims = false)
    {
        template ??= Template(name);
        if (claims)
        {
            var container = template.Spec.Containers[0] with { VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/data" }] };
            template = template with { Spec = template.Spec with { Containers = [container] } };
        }
        return new StatefulSet
        {
            Metadata = new ObjectMeta { Name = name, Namespace = Ns },
            Spec = new StatefulSetSpec
            {
                Replicas = replicas,
                ServiceName = name + "-svc",
                Selector = new LabelSelector { MatchLabels = ImmutableDictionary<string, string>.Empty.Add("app", name) },
                Template = template,
                VolumeClaimTemplates = claims
                    ?
                    [
                        new PersistentVolumeClaim
                        {
                            Metadata = new ObjectMeta { Name = "data" },
                            Spec = new PersistentVolumeClaimSpec
                            {
                                AccessModes = [PersistentVolumeAccessMode.ReadWriteOnce],
                                Resources = new VolumeResourceRequirements
                                {
                                    Requests = ImmutableDictionary<string, Quantity>.Empty.Add(ResourceName.Storage, Quantity.Parse("1Gi")),
                                },
                            },
                        },
                    ]
                    : [],
            },
        };
    }
}
