using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// Watches the health of one node and acts on it (Kubernetes' node lifecycle controller with its taint-based eviction).
/// </summary>
/// <remarks>
/// <para>Each call, for the node named by the key, reading the node and its pods from listers:</para>
/// <list type="number">
/// <item>When its heartbeat (the <c>Ready</c> condition's <c>lastHeartbeatTime</c>) is older than
/// <see cref="NodeLifecycleOptions.NodeMonitorGracePeriod"/> (or, for a node that never posted <c>Ready</c>, its creation
/// older than <see cref="NodeLifecycleOptions.NodeStartupGracePeriod"/>), its <c>Ready</c>, <c>MemoryPressure</c>,
/// <c>DiskPressure</c> and <c>PIDPressure</c> conditions become <c>Unknown</c> (reason <c>NodeStatusUnknown</c>, message
/// "Kubelet stopped posting node status.") and a <c>NodeNotReady</c> event is recorded. When heartbeats resume, the node
/// agent writes its conditions back.</item>
/// <item>The node's taints follow its <c>Ready</c> condition: <c>node.kubernetes.io/not-ready</c> (False) or
/// <c>node.kubernetes.io/unreachable</c> (Unknown), each with effects <c>NoSchedule</c> and <c>NoExecute</c>; none when
/// it is True. Other taints are left alone.</item>
/// <item>While the node is unreachable, the <c>Ready</c> condition of its pods is set to False (a <c>NodeNotReady</c>
/// warning event on each), so that services stop sending them traffic; nothing else would, with no agent alive.</item>
/// <item>Pods on a node with <c>NoExecute</c> taints are evicted (deleted, with a <c>TaintManagerEviction</c> event) when
/// their tolerations run out (see <see cref="NodeLifecyclePolicy.EvictionTime"/>;
/// <see cref="NodeLifecycleOptions.DefaultTolerationPeriod"/> stands in for the tolerations Kubernetes' admission adds).
/// On a node that is not ready but alive the deletion is graceful, so its agent stops the containers. On an unreachable
/// node no agent can confirm that, so pods are deleted with grace period 0 (also those already terminating there), which
/// lets their controllers replace them at once. Kubernetes instead leaves them Terminating until the node returns or is
/// deleted; here the node's containers, if it ever comes back, are stopped by its agent, which no longer finds the pods.</item>
/// </list>
/// <para>The call returns <see cref="ReconcileResult.After"/> the node's next deadline (heartbeat expiry or eviction), at
/// most <see cref="NodeLifecycleOptions.NodeMonitorPeriod"/>, so all timing follows the host's <see cref="TimeProvider"/>.</para>
/// </remarks>
internal sealed class NodeLifecycleReconciler : IReconciler
{
    /// <summary>The controller name, in logs, metrics, traces and as the component of its events.</summary>
    public const string Name = "node-lifecycle-controller";

    /// <summary>The event component, as Kubernetes names it.</summary>
    public const string EventComponent = "node-controller";

    private readonly IObjectStore _store;
    private readonly ILister<Node> _nodes;
    private readonly ILister<Pod> _pods;
    private readonly string _podsByNode;
    private readonly IEventRecorder _events;
    private readonly TimeProvider _time;
    private readonly NodeLifecycleOptions _options;
    private readonly ILogger _logger;

    public NodeLifecycleReconciler(
        IObjectStore store, SharedInformerFactory informers, IEventRecorderFactory events, TimeProvider time, NodeLifecycleOptions options, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.NodeMonitorPeriod, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.NodeMonitorGracePeriod, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.NodeStartupGracePeriod, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.DefaultTolerationPeriod, TimeSpan.Zero);
        _store = store;
        _nodes = informers.GetLister<Node>();
        var pods = informers.GetInformer<Pod>();
        _podsByNode = pods.AddFieldIndexer("spec.nodeName");
        _pods = pods.Lister;
        _events = events.CreateRecorder(EventComponent);
        _time = time;
        _options = options;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var node = _nodes.Get(key);
        if (node is null) return ReconcileResult.Done;
        var now = _time.GetUtcNow();

        var staleAt = NodeLifecyclePolicy.StaleAt(node, _options.NodeMonitorGracePeriod, _options.NodeStartupGracePeriod);
        if (now >= staleAt && NodeLifecyclePolicy.UnknownConditions(node, now) is not null)
        {
            node = await MarkUnknownAsync(node, now, cancellationToken).ConfigureAwait(false);
            if (node is null) return ReconcileResult.Done;
            staleAt = NodeLifecyclePolicy.StaleAt(node, _options.NodeMonitorGracePeriod, _options.NodeStartupGracePeriod);
        }

        if (NodeLifecyclePolicy.Taints(node, now) is not null)
        {
            node = await UpdateTaintsAsync(node, now, cancellationToken).ConfigureAwait(false);
            if (node is null) return ReconcileResult.Done;
        }

        var unreachable = node.Status?.GetCondition(NodeConditionType.Ready)?.Status == ConditionStatus.Unknown;
        var pods = _pods.ByIndex(_podsByNode, node.Metadata.Name!);
        if (unreachable) await MarkPodsNotReadyAsync(pods, now, cancellationToken).ConfigureAwait(false);
        var nextEviction = await EvictPodsAsync(node, pods, unreachable, now, cancellationToken).ConfigureAwait(false);

        var next = now + _options.NodeMonitorPeriod;
        if (staleAt > now && staleAt < next) next = staleAt;
        if (nextEviction is { } evictAt && evictAt < next) next = evictAt;
        // Measured against the clock now, not at the start: if time moved on meanwhile, a passed deadline runs at once.
        return ReconcileResult.After(next - _time.GetUtcNow());
    }

    /// <summary>Sets the agent's conditions to Unknown, unless a heartbeat arrived meanwhile; returns the stored node.</summary>
    private async Task<Node?> MarkUnknownAsync(Node node, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Node updated;
        Node? before = null;
        try
        {
            updated = await _store.UpdateStatusWithRetryAsync<Node>(null, node.Metadata.Name!, current =>
            {
                before = null;
                if (current.Metadata.Uid != node.Metadata.Uid) return null;
                if (now < NodeLifecyclePolicy.StaleAt(current, _options.NodeMonitorGracePeriod, _options.NodeStartupGracePeriod)) return null;
                if (NodeLifecyclePolicy.UnknownConditions(current, now) is not { } conditions) return null;
                before = current;
                return current with { Status = (current.Status ?? new NodeStatus()) with { Conditions = conditions } };
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return null;
        }
        if (updated.Metadata.Uid != node.Metadata.Uid) return null;
        if (before is not null)
        {
            NodeLifecycleLog.NodeUnreachable(_logger, node.Metadata.Name!,
                before.Status?.GetCondition(NodeConditionType.Ready)?.LastHeartbeatTime ?? before.Metadata.CreationTimestamp);
            if (before.IsReady()) _events.Normal(updated, "NodeNotReady", $"Node {node.Metadata.Name} status is now: NodeNotReady");
        }
        return updated;
    }

    /// <summary>Writes the not-ready/unreachable taints the node's <c>Ready</c> condition calls for; returns the stored node.</summary>
    private async Task<Node?> UpdateTaintsAsync(Node node, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Node updated;
        try
        {
            updated = await _store.UpdateWithRetryAsync<Node>(null, node.Metadata.Name!, current =>
                current.Metadata.Uid == node.Metadata.Uid && NodeLifecyclePolicy.Taints(current, now) is { } taints
                    ? current with { Spec = current.Spec with { Taints = taints } }
                    : null,
                cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return null;
        }
        if (updated.Metadata.Uid != node.Metadata.Uid) return null;
        NodeLifecycleLog.TaintsUpdated(_logger, node.Metadata.Name!,
            updated.Status?.GetCondition(NodeConditionType.Ready)?.Status ?? ConditionStatus.Unknown,
            string.Join(", ", updated.Spec.Taints.Select(t => $"{t.Key}:{t.Effect}")));
        return updated;
    }

    /// <summary>Sets the <c>Ready</c> condition of pods on an unreachable node to False.</summary>
    private async Task MarkPodsNotReadyAsync(IReadOnlyList<Pod> pods, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var pod in pods)
        {
            if (pod.Status?.GetCondition(PodConditionType.Ready)?.Status != ConditionStatus.True) continue;
            try
            {
                await _store.UpdateStatusWithRetryAsync<Pod>(pod.Metadata.Namespace, pod.Metadata.Name!, current =>
                {
                    if (current.Metadata.Uid != pod.Metadata.Uid || current.Status is not { } status) return null;
                    var conditions = status.Conditions;
                    var index = conditions.ToList().FindIndex(c => c.Type == PodConditionType.Ready);
                    if (index < 0 || conditions[index].Status != ConditionStatus.True) return null;
                    var notReady = conditions[index] with { Status = ConditionStatus.False, LastTransitionTime = now };
                    return current with { Status = status with { Conditions = [.. conditions.Select((c, i) => i == index ? notReady : c)] } };
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
                continue;
            }
            _events.Warning(pod, "NodeNotReady", "Node is not ready");
        }
    }

    /// <summary>Evicts the pods whose tolerations of the node's NoExecute taints ran out; returns the next eviction time.</summary>
    private async Task<DateTimeOffset?> EvictPodsAsync(Node node, IReadOnlyList<Pod> pods, bool unreachable, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var noExecute = node.Spec.Taints.Where(t => t.Effect == TaintEffect.NoExecute).ToArray();
        if (noExecute.Length == 0) return null;
        DateTimeOffset? next = null;
        foreach (var pod in pods)
        {
            // A terminating pod on a live node is being stopped by its agent; on an unreachable node nobody will.
            if (pod.Metadata.DeletionTimestamp is not null && !unreachable) continue;
            if (NodeLifecyclePolicy.EvictionTime(pod, noExecute, _options.DefaultTolerationPeriod) is not { } evictAt) continue;
            if (evictAt > now)
            {
                if (next is null || evictAt < next) next = evictAt;
                continue;
            }
            long? grace = unreachable ? 0 : null;
            NodeLifecycleLog.Evicting(_logger, ObjectKey.Of(pod).ToString(), node.Metadata.Name!, grace is null ? "default" : "0");
            try
            {
                var options = new DeleteOptions { GracePeriodSeconds = grace, PreconditionUid = pod.Metadata.Uid };
                await _store.DeleteAsync<Pod>(pod.Metadata.Namespace, pod.Metadata.Name!, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NotFoundException or ConflictException)
            {
                // Gone, or replaced by a new pod of the same name, which is judged on its own.
                continue;
            }
            if (pod.Metadata.DeletionTimestamp is null) _events.Normal(pod, "TaintManagerEviction", $"Marking for deletion Pod {ObjectKey.Of(pod)}");
        }
        return next;
    }
}
