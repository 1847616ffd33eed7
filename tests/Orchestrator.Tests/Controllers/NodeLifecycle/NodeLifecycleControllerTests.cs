using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.NodeAgent;
using Orchestrator.Runtime.Simulated;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;
using static Orchestrator.Tests.Controllers.GarbageCollection.ControllerHost;

namespace Orchestrator.Tests.Controllers.NodeLifecycle;

/// <summary>
/// The node lifecycle controller on a real store and host with a fake clock. Nodes are plain Node objects whose
/// heartbeats the tests write themselves, as a node agent would.
/// </summary>
[CancelAfter(20_000)]
public sealed class NodeLifecycleControllerTests
{
    private const string Ns = "default";
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(40);

    private FakeTimeProvider _time = null!;
    private InMemoryObjectStore _store = null!;
    private IHost _host = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider();
        _store = new InMemoryObjectStore(_time);
        _host = await StartAsync(_store, _time, services => services.AddNodeLifecycleController(), CancellationToken.None);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        _store.Dispose();
    }

    [Test]
    public async Task Reconcile_HeartbeatOlderThanGracePeriod_MarksConditionsUnknownAndTaintsUnreachable(CancellationToken ct)
    {
        var start = _time.GetUtcNow();
        await CreateNodeAsync("node-1", ConditionStatus.True, ct);
        await UntilCheckedAsync(1, ct);

        _time.Advance(Grace + TimeSpan.FromSeconds(1));

        var node = await UntilReadyIsAsync("node-1", ConditionStatus.Unknown, ct);
        var ready = node.Status!.GetCondition(NodeConditionType.Ready)!;
        Assert.Multiple(() =>
        {
            Assert.That(node.Status.Conditions.Select(c => c.Status), Is.All.EqualTo(ConditionStatus.Unknown));
            Assert.That(node.Status.Conditions.Select(c => c.Reason), Is.All.EqualTo("NodeStatusUnknown"));
            Assert.That(ready.Message, Is.EqualTo("Kubelet stopped posting node status."));
            Assert.That(ready.LastHeartbeatTime, Is.EqualTo(start), "the last heartbeat is kept");
            Assert.That(ready.LastTransitionTime, Is.GreaterThanOrEqualTo(start + Grace));
        });
        await UntilTaintedAsync("node-1", WellKnownLabels.TaintNodeUnreachable, ct);
        node = (await _store.GetAsync<Node>(null, "node-1", ct))!;
        Assert.That(node.Spec.Taints.Select(t => t.Key), Has.None.EqualTo(WellKnownLabels.TaintNodeNotReady));
        Assert.That(node.Spec.Taints.Single(t => t.Effect == TaintEffect.NoExecute).TimeAdded, Is.GreaterThanOrEqualTo(start + Grace));
        await UntilAsync(async () => (await _store.ListAsync<Event>(new ListOptions { Namespace = Ns }, ct)).Items
            .Any(e => e.Reason == "NodeNotReady" && e.InvolvedObject.Name == "node-1"), ct, "a NodeNotReady event is recorded");
    }

    [Test]
    public async Task Reconcile_HeartbeatWithinGracePeriod_LeavesNodeAlone(CancellationToken ct)
    {
        await CreateNodeAsync("fresh", ConditionStatus.True, ct);
        await CreateNodeAsync("stale", ConditionStatus.True, ct);
        await UntilCheckedAsync(2, ct);
        _time.Advance(TimeSpan.FromSeconds(30));
        await HeartbeatAsync("fresh", ConditionStatus.True, ct);
        await UntilCheckedAsync(2, ct);

        _time.Advance(TimeSpan.FromSeconds(15));

        // The stale node is marked, so the controller has looked at both; the clock stays put, so "fresh" stays fresh.
        await UntilTaintedAsync("stale", WellKnownLabels.TaintNodeUnreachable, ct);
        var fresh = await _store.GetAsync<Node>(null, "fresh", ct);
        Assert.That(fresh!.IsReady(), Is.True);
        Assert.That(fresh.Spec.Taints, Is.Empty);
    }

    [Test]
    public async Task Reconcile_NodeNeverPostedStatus_ConditionsAddedAsUnknownAfterStartupGrace(CancellationToken ct)
    {
        await _store.CreateAsync(new Node { Metadata = new ObjectMeta { Name = "silent" } }, ct);
        await UntilCheckedAsync(1, ct);

        _time.Advance(TimeSpan.FromSeconds(61));

        var node = await UntilReadyIsAsync("silent", ConditionStatus.Unknown, ct);
        Assert.That(node.Status!.Conditions.Select(c => c.Type),
            Is.EquivalentTo(new[] { NodeConditionType.Ready, NodeConditionType.MemoryPressure, NodeConditionType.DiskPressure, NodeConditionType.PidPressure }));
        Assert.That(node.Status.GetCondition(NodeConditionType.Ready)!.Reason, Is.EqualTo("NodeStatusNeverUpdated"));
        Assert.That(node.Status.GetCondition(NodeConditionType.Ready)!.Message, Is.EqualTo("Kubelet never posted node status."));
        await UntilTaintedAsync("silent", WellKnownLabels.TaintNodeUnreachable, ct);
    }

    [Test]
    public async Task Reconcile_HeartbeatsResume_TaintsRemovedAndOtherTaintsKept(CancellationToken ct)
    {
        var dedicated = new Taint { Key = "dedicated", Value = "db", Effect = TaintEffect.NoSchedule };
        await CreateNodeAsync("node-1", ConditionStatus.True, ct, dedicated);
        await UntilCheckedAsync(1, ct);
        _time.Advance(Grace + TimeSpan.FromSeconds(1));
        await UntilTaintedAsync("node-1", WellKnownLabels.TaintNodeUnreachable, ct);

        await HeartbeatAsync("node-1", ConditionStatus.True, ct);

        await UntilAsync(async () => (await _store.GetAsync<Node>(null, "node-1", ct))!.Spec.Taints.SequenceEqual([dedicated]), ct,
            "only the taint the controller did not add is left");
        Assert.That((await _store.GetAsync<Node>(null, "node-1", ct))!.IsReady(), Is.True);
    }

    [Test]
    public async Task Reconcile_ReadyFalse_TaintsNotReadyAndEvictsGracefullyAfterDefaultToleration(CancellationToken ct)
    {
        await CreateNodeAsync("node-1", ConditionStatus.False, ct);
        await CreatePodAsync("web", "node-1", ct);
        await UntilTaintedAsync("node-1", WellKnownLabels.TaintNodeNotReady, ct);
        await UntilCheckedAsync(1, ct);

        await AdvanceAsync(TimeSpan.FromSeconds(290), ct, ("node-1", ConditionStatus.False));
        Assert.That((await _store.GetAsync<Pod>(Ns, "web", ct))?.Metadata.DeletionTimestamp, Is.Null, "tolerated for 300 s by default");
        await AdvanceAsync(TimeSpan.FromSeconds(10), ct, ("node-1", ConditionStatus.False));

        await UntilAsync(async () => (await _store.GetAsync<Pod>(Ns, "web", ct))?.Metadata.DeletionTimestamp is not null, ct,
            "the pod is deleted gracefully: the node agent is alive and stops it");
        var pod = await _store.GetAsync<Pod>(Ns, "web", ct);
        Assert.That(pod!.Metadata.DeletionGracePeriodSeconds, Is.EqualTo(30));
        Assert.That(pod.IsReady(), Is.True, "a live agent owns the pod's status");
        var node = await _store.GetAsync<Node>(null, "node-1", ct);
        Assert.That(node!.Spec.Taints.Select(t => t.Key), Is.All.EqualTo(WellKnownLabels.TaintNodeNotReady));
    }

    [Test]
    public async Task Eviction_UnreachableNode_DeletesPodsWhenTheirTolerationsRunOut(CancellationToken ct)
    {
        await CreateNodeAsync("dead", ConditionStatus.True, ct);
        await CreateNodeAsync("alive", ConditionStatus.True, ct);
        await CreatePodAsync("plain", "dead", ct);
        await CreatePodAsync("short", "dead", ct, Tolerate(WellKnownLabels.TaintNodeUnreachable, seconds: 60));
        await CreatePodAsync("forever", "dead", ct, Tolerate(WellKnownLabels.TaintNodeUnreachable, seconds: null));
        await CreatePodAsync("elsewhere", "alive", ct);
        await UntilCheckedAsync(2, ct);

        await AdvanceAsync(TimeSpan.FromSeconds(50), ct, ("alive", ConditionStatus.True));
        await UntilTaintedAsync("dead", WellKnownLabels.TaintNodeUnreachable, ct);
        var taintedAt = (await _store.GetAsync<Node>(null, "dead", ct))!.Spec.Taints.Single(t => t.Effect == TaintEffect.NoExecute).TimeAdded!.Value;
        await UntilAsync(async () => !(await _store.GetAsync<Pod>(Ns, "plain", ct))!.IsReady(), ct, "pods on an unreachable node are marked not ready");
        Assert.That((await _store.GetAsync<Pod>(Ns, "elsewhere", ct))!.IsReady(), Is.True);

        await AdvanceAsync(taintedAt + TimeSpan.FromSeconds(60) - _time.GetUtcNow(), ct, ("alive", ConditionStatus.True));
        await _store.UntilGoneAsync<Pod>(Ns, "short", ct);
        Assert.That(await _store.GetAsync<Pod>(Ns, "plain", ct), Is.Not.Null, "the default toleration lasts 300 s");

        await AdvanceAsync(taintedAt + TimeSpan.FromSeconds(300) - _time.GetUtcNow(), ct, ("alive", ConditionStatus.True));
        await _store.UntilGoneAsync<Pod>(Ns, "plain", ct);
        Assert.That(await _store.GetAsync<Pod>(Ns, "forever", ct), Is.Not.Null, "a toleration without tolerationSeconds lasts forever");
        Assert.That(await _store.GetAsync<Pod>(Ns, "elsewhere", ct), Is.Not.Null, "pods on healthy nodes stay");
        await UntilAsync(async () => (await _store.ListAsync<Event>(new ListOptions { Namespace = Ns }, ct)).Items
            .Any(e => e.Reason == "TaintManagerEviction" && e.InvolvedObject.Name == "short"), ct, "evictions are recorded");
    }

    [Test]
    public async Task NodeAgent_StopsAndResumesHeartbeats_NodeGoesUnknownThenIsReadyAndUntaintedAgain(CancellationToken ct)
    {
        var agents = await StartAsync(_store, _time, services => services.AddSimulatedNodes(1), ct);
        try
        {
            await agents.Services.GetRequiredService<NodeAgentHost>().Ready.WaitAsync(ct);
            await UntilReadyIsAsync("node-1", ConditionStatus.True, ct);
            for (var i = 0; i < 12; i++)
            {
                _time.Advance(TimeSpan.FromSeconds(5));
                var now = _time.GetUtcNow();
                await UntilAsync(async () => Heartbeat(await _store.GetAsync<Node>(null, "node-1", ct)) >= now - TimeSpan.FromSeconds(10), ct,
                    "the agent keeps heartbeating");
            }
            await UntilCheckedAsync(1, ct);
            var healthy = await _store.GetAsync<Node>(null, "node-1", ct);
            Assert.That(healthy!.IsReady(), Is.True, "heartbeats keep the node ready beyond the grace period");
            Assert.That(healthy.Spec.Taints.Where(NodeLifecyclePolicy.IsManaged), Is.Empty);
        }
        finally
        {
            await agents.StopAsync(CancellationToken.None);
            agents.Dispose();
        }

        _time.Advance(Grace + TimeSpan.FromSeconds(1));
        await UntilReadyIsAsync("node-1", ConditionStatus.Unknown, ct);
        await UntilTaintedAsync("node-1", WellKnownLabels.TaintNodeUnreachable, ct);

        using var restarted = await StartAsync(_store, _time, services => services.AddSimulatedNodes(1), ct);
        await restarted.Services.GetRequiredService<NodeAgentHost>().Ready.WaitAsync(ct);
        await UntilAsync(async () =>
        {
            var node = await _store.GetAsync<Node>(null, "node-1", ct);
            return node!.IsReady() && !node.Spec.Taints.Any(NodeLifecyclePolicy.IsManaged);
        }, ct, "the restarted agent reports Ready and the controller removes the taints");
        await restarted.StopAsync(CancellationToken.None);
    }

    private static DateTimeOffset? Heartbeat(Node? node) => node?.Status?.GetCondition(NodeConditionType.Ready)?.LastHeartbeatTime;

    /// <summary>
    /// Advances the clock in 10 s steps, heartbeating the given nodes after each step as their agents would, and letting
    /// the controller schedule its next checks before the clock moves again.
    /// </summary>
    private async Task AdvanceAsync(TimeSpan total, CancellationToken ct, params (string Node, string Ready)[] alive)
    {
        var step = TimeSpan.FromSeconds(10);
        var nodes = (await _store.ListAsync<Node>(cancellationToken: ct)).Items.Count;
        while (total > TimeSpan.Zero)
        {
            var next = total < step ? total : step;
            _time.Advance(next);
            total -= next;
            foreach (var (node, ready) in alive) await HeartbeatAsync(node, ready, ct);
            await UntilCheckedAsync(nodes, ct);
        }
    }

    /// <summary>
    /// Waits until the controller has nothing pending and a check scheduled for each of <paramref name="nodes"/> nodes: with
    /// a fake clock, time must only move once the controller has seen the present.
    /// </summary>
    private Task UntilCheckedAsync(int nodes, CancellationToken ct)
    {
        var queue = _host.Services.GetServices<IHostedService>().OfType<Controller>().Single(c => c.Name == "node-lifecycle-controller").Queue;
        return UntilAsync(() => Task.FromResult(queue.Length == 0 && queue.WaitingCount == nodes), ct, $"{nodes} node check(s) scheduled");
    }

    private async Task CreateNodeAsync(string name, string ready, CancellationToken ct, params Taint[] taints) =>
        await _store.CreateAsync(new Node
        {
            Metadata = new ObjectMeta { Name = name },
            Spec = new NodeSpec { Taints = taints },
            Status = new NodeStatus { Conditions = Conditions(ready, _time.GetUtcNow()) },
        }, ct);

    private async Task HeartbeatAsync(string name, string ready, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        await _store.UpdateStatusWithRetryAsync<Node>(null, name, n => n with { Status = (n.Status ?? new NodeStatus()) with { Conditions = Conditions(ready, now) } }, ct);
    }

    private static IReadOnlyList<NodeCondition> Conditions(string ready, DateTimeOffset now) =>
    [
        new() { Type = NodeConditionType.MemoryPressure, Status = ConditionStatus.False, LastHeartbeatTime = now, LastTransitionTime = now },
        new() { Type = NodeConditionType.DiskPressure, Status = ConditionStatus.False, LastHeartbeatTime = now, LastTransitionTime = now },
        new() { Type = NodeConditionType.PidPressure, Status = ConditionStatus.False, LastHeartbeatTime = now, LastTransitionTime = now },
        new() { Type = NodeConditionType.Ready, Status = ready, Reason = "KubeletReady", LastHeartbeatTime = now, LastTransitionTime = now },
    ];

    private async Task CreatePodAsync(string name, string node, CancellationToken ct, params Toleration[] tolerations)
    {
        var pod = NewPod(Ns, name);
        await _store.CreateAsync(pod with
        {
            Spec = pod.Spec with { NodeName = node, Tolerations = tolerations },
            Status = new PodStatus
            {
                Phase = PodPhase.Running,
                Conditions = [new PodCondition { Type = PodConditionType.Ready, Status = ConditionStatus.True }],
            },
        }, ct);
    }

    private static Toleration Tolerate(string key, long? seconds) => new()
    {
        Key = key,
        Operator = TolerationOperator.Exists,
        Effect = TaintEffect.NoExecute,
        TolerationSeconds = seconds,
    };

    private async Task<Node> UntilReadyIsAsync(string name, string status, CancellationToken ct)
    {
        await UntilAsync(async () => (await _store.GetAsync<Node>(null, name, ct))?.Status?.GetCondition(NodeConditionType.Ready)?.Status == status,
            ct, $"node {name} is Ready={status}");
        return (await _store.GetAsync<Node>(null, name, ct))!;
    }

    private Task UntilTaintedAsync(string name, string key, CancellationToken ct) =>
        UntilAsync(async () =>
        {
            var taints = (await _store.GetAsync<Node>(null, name, ct))?.Spec.Taints ?? [];
            return taints.Any(t => t.Key == key && t.Effect == TaintEffect.NoSchedule) && taints.Any(t => t.Key == key && t.Effect == TaintEffect.NoExecute);
        }, ct, $"node {name} has the {key} taints");
}
