using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Store;
using Orchestrator.Tests.Controllers.StatefulSets;
using Orchestrator.Tests.Testing;

namespace Orchestrator.Tests.Controllers.DaemonSets;

/// <summary>
/// The DaemonSet controller on a mini-cluster of three simulated nodes (node-1 … node-3) with the default scheduler.
/// Nodes that join or leave are plain Node objects without an agent, so their pods are bound but never run.
/// </summary>
[CancelAfter(60_000)]
public sealed class DaemonSetControllerTests
{
    private const string Ns = "default";
    private static readonly string[] SimulatedNodes = ["node-1", "node-2", "node-3"];

    private FakeTimeProvider _time = null!;
    private TestCluster _cluster = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider();
        _cluster = await TestCluster.StartAsync(s => s.AddDaemonSetController(), nodes: 3, time: _time);
    }

    [TearDown]
    public async Task TearDown() => await _cluster.DisposeAsync();

    [Test]
    public async Task Reconcile_EveryNode_RunsExactlyOnePodPinnedToIt(CancellationToken ct)
    {
        var created = await _cluster.Store.CreateAsync(DaemonSet("agent"), ct);

        var set = await _cluster.UntilAsync<DaemonSet>(Ns, "agent", s => s.Status?.NumberReady == 3, "has a ready pod on each node", ct);
        var pods = Pods("agent");
        Assert.Multiple(() =>
        {
            Assert.That(pods.Select(p => p.Spec.NodeName), Is.EquivalentTo(SimulatedNodes));
            Assert.That(pods.Select(DaemonSetPlacement.TargetNode), Is.EquivalentTo(SimulatedNodes), "each pod is pinned by node affinity");
            Assert.That(pods[0].Spec.Tolerations.Select(t => t.Key), Is.SupersetOf(new[]
            {
                WellKnownLabels.TaintNodeNotReady, WellKnownLabels.TaintNodeUnreachable, WellKnownLabels.TaintNodeUnschedulable,
                DaemonSetPlacement.TaintDiskPressure, DaemonSetPlacement.TaintMemoryPressure, DaemonSetPlacement.TaintPidPressure,
            }));
            Assert.That(pods[0].Metadata.OwnerReferences.Single().Uid, Is.EqualTo(created.Metadata.Uid));
            Assert.That(set.Status!.DesiredNumberScheduled, Is.EqualTo(3));
            Assert.That(set.Status.CurrentNumberScheduled, Is.EqualTo(3));
            Assert.That(set.Status.NumberAvailable, Is.EqualTo(3));
            Assert.That(set.Status.NumberUnavailable, Is.Zero);
            Assert.That(set.Status.UpdatedNumberScheduled, Is.EqualTo(3));
            Assert.That(set.Status.NumberMisscheduled, Is.Zero);
            Assert.That(set.Status.ObservedGeneration, Is.EqualTo(set.Metadata.Generation));
        });
    }

    [Test]
    public async Task Reconcile_NodeJoinsAndLeaves_AddsAndRemovesItsPod(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(DaemonSet("agent"), ct);
        await _cluster.UntilAsync<DaemonSet>(Ns, "agent", s => s.Status?.NumberReady == 3, "has a ready pod on each node", ct);

        await _cluster.Store.CreateAsync(NewNode("node-4"), ct);

        await _cluster.UntilAsync(() => Pods("agent").Any(p => p.Spec.NodeName == "node-4"), "a pod is bound to node-4", ct);
        await _cluster.UntilAsync<DaemonSet>(Ns, "agent", s => s.Status?.DesiredNumberScheduled == 4 && s.Status.CurrentNumberScheduled == 4,
            "wants and has four pods", ct);

        await _cluster.Store.DeleteAsync<Node>(null, "node-4", null, ct);

        await _cluster.UntilAsync(() => Pods("agent").All(p => p.Spec.NodeName != "node-4") && Pods("agent").Count == 3, "the pod of node-4 is gone", ct);
        await _cluster.UntilAsync<DaemonSet>(Ns, "agent", s => s.Status?.DesiredNumberScheduled == 3, "wants three pods again", ct);
    }

    [Test]
    public async Task Reconcile_NodeStopsMatchingSelector_RemovesItsPod(CancellationToken ct)
    {
        await LabelNodeAsync("node-1", "yes", ct);
        await LabelNodeAsync("node-2", "yes", ct);
        var set = DaemonSet("picky");
        set = set with { Spec = set.Spec with { Template = set.Spec.Template with { Spec = set.Spec.Template.Spec with { NodeSelector = Labels("ds", "yes") } } } };
        await _cluster.Store.CreateAsync(set, ct);
        await _cluster.UntilAsync<DaemonSet>(Ns, "picky", s => s.Status?.NumberReady == 2, "runs on the two labelled nodes", ct);
        Assert.That(Pods("picky").Select(p => p.Spec.NodeName), Is.EquivalentTo(new[] { "node-1", "node-2" }));

        await LabelNodeAsync("node-2", null, ct);

        await _cluster.UntilAsync(() => ActivePods("picky").Select(p => p.Spec.NodeName).SequenceEqual(["node-1"]), "only node-1 runs a pod", ct);
        var status = (await _cluster.UntilAsync<DaemonSet>(Ns, "picky", s => s.Status?.DesiredNumberScheduled == 1 && s.Status.NumberMisscheduled == 0
            && s.Status.CurrentNumberScheduled == 1, "wants one pod", ct)).Status!;
        Assert.That(status.NumberReady, Is.EqualTo(1));

        await LabelNodeAsync("node-3", "yes", ct);
        await _cluster.UntilAsync(() => ActivePods("picky").Any(p => p.Spec.NodeName == "node-3" && p.IsReady()), "node-3 gets a pod", ct);
    }

    [Test]
    public async Task Reconcile_TaintedNode_SkippedUnlessTolerated(CancellationToken ct)
    {
        await _cluster.Store.UpdateWithRetryAsync<Node>(null, "node-3", n => n with
        {
            Spec = n.Spec with { Taints = [new Taint { Key = "dedicated", Value = "db", Effect = TaintEffect.NoSchedule }] },
        }, ct);
        var tolerant = DaemonSet("tolerant");
        tolerant = tolerant with
        {
            Spec = tolerant.Spec with
            {
                Template = tolerant.Spec.Template with
                {
                    Spec = tolerant.Spec.Template.Spec with { Tolerations = [new Toleration { Key = "dedicated", Operator = TolerationOperator.Exists }] },
                },
            },
        };

        await _cluster.Store.CreateAsync(DaemonSet("plain"), ct);
        await _cluster.Store.CreateAsync(tolerant, ct);

        await _cluster.UntilAsync<DaemonSet>(Ns, "plain", s => s.Status?.NumberReady == 2 && s.Status.DesiredNumberScheduled == 2
            && ActivePods("plain").Count == 2, "runs on the untainted nodes", ct);
        await _cluster.UntilAsync<DaemonSet>(Ns, "tolerant", s => s.Status?.NumberReady == 3, "runs on every node", ct);
        Assert.Multiple(() =>
        {
            Assert.That(ActivePods("plain").Select(p => p.Spec.NodeName), Is.EquivalentTo(new[] { "node-1", "node-2" }));
            Assert.That(ActivePods("tolerant").Select(p => p.Spec.NodeName), Is.EquivalentTo(SimulatedNodes));
        });
    }

    [Test]
    public async Task Reconcile_RollingUpdate_NeverMoreThanMaxUnavailableNodesWithoutAvailablePod(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(DaemonSet("roll"), ct);
        var before = await _cluster.UntilAsync<DaemonSet>(Ns, "roll", s => s.Status?.NumberReady == 3, "has a ready pod on each node", ct);
        var oldHash = Pods("roll")[0].Metadata.Labels[WellKnownLabels.ControllerRevisionHash];
        using var timeline = PodTimeline.Watch(_cluster.Store, Ns);

        var changed = await ChangeTemplateAsync("roll", ct);

        var after = await _cluster.UntilAsync<DaemonSet>(Ns, "roll", s => s.Status?.ObservedGeneration == changed.Metadata.Generation &&
            s.Status.UpdatedNumberScheduled == 3 && s.Status.NumberAvailable == 3 && ActivePods("roll").Count == 3, "updates every node", ct);
        Assert.Multiple(() =>
        {
            Assert.That(ActivePods("roll").Select(p => p.Metadata.Labels[WellKnownLabels.ControllerRevisionHash]), Has.All.Not.EqualTo(oldHash));
            Assert.That(ActivePods("roll"), Has.Count.EqualTo(3));
            Assert.That(after.Status!.ObservedGeneration, Is.GreaterThan(before.Status!.ObservedGeneration));
        });
        var worst = 0;
        timeline.Replay((_, state) => worst = Math.Max(worst, NodesWithoutAvailablePod(state.Values, "roll")));
        Assert.That(worst, Is.EqualTo(1), "maxUnavailable 1: one node at a time");
    }

    [Test]
    public async Task Reconcile_RollingUpdateWithMaxSurge_StartsNewPodBeforeDeletingOld(CancellationToken ct)
    {
        var set = DaemonSet("surge");
        set = set with
        {
            Spec = set.Spec with
            {
                UpdateStrategy = new DaemonSetUpdateStrategy { RollingUpdate = new RollingUpdateDaemonSet { MaxUnavailable = 0, MaxSurge = 1 } },
            },
        };
        await _cluster.Store.CreateAsync(set, ct);
        await _cluster.UntilAsync<DaemonSet>(Ns, "surge", s => s.Status?.NumberReady == 3, "has a ready pod on each node", ct);
        using var timeline = PodTimeline.Watch(_cluster.Store, Ns);

        var changed = await ChangeTemplateAsync("surge", ct);

        await _cluster.UntilAsync<DaemonSet>(Ns, "surge", s => s.Status?.ObservedGeneration == changed.Metadata.Generation &&
            s.Status.UpdatedNumberScheduled == 3 && s.Status.NumberAvailable == 3 && ActivePods("surge").Count == 3, "updates every node", ct);
        var worst = 0;
        var mostPods = 0;
        timeline.Replay((_, state) =>
        {
            worst = Math.Max(worst, NodesWithoutAvailablePod(state.Values, "surge"));
            mostPods = Math.Max(mostPods, state.Values.Count(p => IsPodOf(p, "surge") && p.Metadata.DeletionTimestamp is null));
        });
        Assert.Multiple(() =>
        {
            Assert.That(worst, Is.Zero, "every node keeps an available pod");
            Assert.That(mostPods, Is.EqualTo(4), $"one surge pod at a time; events: {string.Join(" | ", timeline.Events.Select(e => $"{e.Type} {e.Object.Metadata.Name} {e.Object.Spec.NodeName} del={e.Object.Metadata.DeletionTimestamp is not null} ready={e.Object.IsReady()} hash={e.Object.Metadata.Labels.GetValueOrDefault(WellKnownLabels.ControllerRevisionHash)}"))}");
        });
    }

    [Test]
    public async Task Reconcile_OnDelete_ReplacesOnlyDeletedPods(CancellationToken ct)
    {
        var set = DaemonSet("manual");
        set = set with { Spec = set.Spec with { UpdateStrategy = new DaemonSetUpdateStrategy { Type = DaemonSetUpdateStrategyType.OnDelete } } };
        await _cluster.Store.CreateAsync(set, ct);
        await _cluster.UntilAsync<DaemonSet>(Ns, "manual", s => s.Status?.NumberReady == 3, "has a ready pod on each node", ct);
        var oldHash = Pods("manual")[0].Metadata.Labels[WellKnownLabels.ControllerRevisionHash];

        var changed = await ChangeTemplateAsync("manual", ct);
        await _cluster.UntilAsync<DaemonSet>(Ns, "manual", s => s.Status?.ObservedGeneration == changed.Metadata.Generation, "observes the change", ct);
        Assert.That(ActivePods("manual").Select(p => p.Metadata.Labels[WellKnownLabels.ControllerRevisionHash]), Has.All.EqualTo(oldHash));

        var victim = ActivePods("manual").Single(p => p.Spec.NodeName == "node-2");
        await _cluster.Store.DeleteAsync<Pod>(Ns, victim.Metadata.Name!, null, ct);

        await _cluster.UntilAsync(() => ActivePods("manual").Any(p => p.Spec.NodeName == "node-2" && p.Metadata.Uid != victim.Metadata.Uid && p.IsReady()),
            "node-2 gets a new pod", ct);
        var status = (await _cluster.UntilAsync<DaemonSet>(Ns, "manual", s => s.Status?.UpdatedNumberScheduled == 1 && s.Status.NumberReady == 3,
            "counts one updated node", ct)).Status!;
        Assert.Multiple(() =>
        {
            Assert.That(ActivePods("manual").Single(p => p.Spec.NodeName == "node-2").Metadata.Labels[WellKnownLabels.ControllerRevisionHash], Is.Not.EqualTo(oldHash));
            Assert.That(ActivePods("manual").Count(p => p.Metadata.Labels[WellKnownLabels.ControllerRevisionHash] == oldHash), Is.EqualTo(2));
            Assert.That(status.DesiredNumberScheduled, Is.EqualTo(3));
        });
    }

    private static bool IsPodOf(Pod pod, string set) => pod.Metadata.Labels.TryGetValue("app", out var app) && app == set;

    /// <summary>How many of the simulated nodes lack a ready daemon pod that is not being deleted.</summary>
    private static int NodesWithoutAvailablePod(IEnumerable<Pod> pods, string set)
    {
        var covered = pods.Where(p => IsPodOf(p, set) && p.Metadata.DeletionTimestamp is null && p.IsReady()).Select(p => p.Spec.NodeName).ToHashSet();
        return SimulatedNodes.Count(n => !covered.Contains(n));
    }

    private IReadOnlyList<Pod> Pods(string set) => _cluster.List<Pod>(Ns, $"app={set}");

    private IReadOnlyList<Pod> ActivePods(string set) => _cluster.ActivePods(Ns, $"app={set}");

    private Task<DaemonSet> ChangeTemplateAsync(string name, CancellationToken ct) =>
        _cluster.Store.UpdateWithRetryAsync<DaemonSet>(Ns, name, s => s with
        {
            Spec = s.Spec with
            {
                Template = s.Spec.Template with
                {
                    Metadata = s.Spec.Template.Metadata with { Annotations = Labels("version", "2") },
                },
            },
        }, ct).AsTask();

    private Task LabelNodeAsync(string node, string? value, CancellationToken ct) =>
        _cluster.Store.UpdateWithRetryAsync<Node>(null, node, n => n with
        {
            Metadata = n.Metadata with
            {
                Labels = value is null ? n.Metadata.Labels.ToImmutableDictionary().Remove("ds") : n.Metadata.Labels.ToImmutableDictionary().SetItem("ds", value),
            },
        }, ct).AsTask();

    private static IReadOnlyDictionary<string, string> Labels(string key, string value) => ImmutableDictionary<string, string>.Empty.Add(key, value);

    private static DaemonSet DaemonSet(string name) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = Ns },
        Spec = new DaemonSetSpec
        {
            Selector = new LabelSelector { MatchLabels = Labels("app", name) },
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = Labels("app", name) },
                Spec = new PodSpec { Containers = [new Container { Name = "agent", Image = TestCluster.Image }] },
            },
        },
    };

    /// <summary>A Ready node without an agent: the scheduler can bind pods to it, nothing runs them.</summary>
    private Node NewNode(string name) => new()
    {
        Metadata = new ObjectMeta { Name = name, Labels = Labels(WellKnownLabels.Hostname, name) },
        Status = new NodeStatus
        {
            Capacity = Capacity,
            Allocatable = Capacity,
            Conditions = [new NodeCondition { Type = NodeConditionType.Ready, Status = ConditionStatus.True, LastHeartbeatTime = _time.GetUtcNow() }],
        },
    };

    private static readonly IReadOnlyDictionary<string, Quantity> Capacity = ImmutableDictionary<string, Quantity>.Empty
        .Add(ResourceName.Cpu, Quantity.Parse("4"))
        .Add(ResourceName.Memory, Quantity.Parse("8Gi"))
        .Add(ResourceName.Pods, Quantity.Parse("110"));
}
