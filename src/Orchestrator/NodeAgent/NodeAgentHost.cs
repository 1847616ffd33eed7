using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Networking;
using Orchestrator.Store;

namespace Orchestrator.NodeAgent;

/// <summary>
/// Runs the node agents (kubelets) of every registered node in one hosted service, so that a thousand simulated nodes
/// cost one pod informer (indexed by <c>spec.nodeName</c>), one work queue keyed by pod, one heartbeat timer and a
/// fixed pool of workers — not a watch, timer or thread per node.
/// </summary>
/// <remarks>
/// <para>
/// On start each agent registers its Node (capacity, allocatable, labels, conditions, node info, images) and lists what
/// its runtime already runs for it; once the caches have synced, runtime objects of pods that no longer exist are
/// removed and the rest is adopted, so restarting the host never duplicates containers. Then every pod bound to one of
/// the nodes is driven to its spec: sandbox, init containers in order, app containers, restarts with back-off, probes,
/// status, graceful deletion.
/// </para>
/// <para>
/// Stopping the host stops the agents but leaves containers running (like stopping a kubelet); a new host adopts them.
/// Node status heartbeats stop too, so the Nodes go NotReady for the node lifecycle controller.
/// </para>
/// </remarks>
public sealed class NodeAgentHost : BackgroundService
{
    private readonly IObjectStore _store;
    private readonly SharedInformerFactory _informers;
    private readonly NodeRegistration[] _nodes;
    private readonly NodeAgentOptions _options;
    private readonly IEventRecorderFactory? _events;
    private readonly INetworkProvider _network;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly NodeAgentMetrics _metrics;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Dictionary<string, NodeAgent> _agents = [];
    private long _completedSyncs;
    private int _inFlight;

    /// <summary>Creates a host for <paramref name="nodes"/>; nothing runs until <see cref="BackgroundService.StartAsync"/>.</summary>
    /// <param name="store">The object store the agents read pods from and write nodes, statuses and deletions to.</param>
    /// <param name="informers">The shared informers (pods, ConfigMaps, Secrets, claims and volumes are watched).</param>
    /// <param name="nodes">The nodes to run; names must be unique.</param>
    /// <param name="options">Settings; the defaults when null.</param>
    /// <param name="events">Where Kubernetes events go; none are recorded when null.</param>
    /// <param name="network">The network provider of nodes whose registration has none; an <see cref="InProcessNetworkProvider"/> when null.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Where to log; nowhere when null.</param>
    /// <param name="meterFactory">Where metrics go; a private meter when null.</param>
    /// <exception cref="ArgumentException">Two nodes have the same name.</exception>
    public NodeAgentHost(
        IObjectStore store, SharedInformerFactory informers, IEnumerable<NodeRegistration> nodes, NodeAgentOptions? options = null,
        IEventRecorderFactory? events = null, INetworkProvider? network = null, TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(nodes);
        _store = store;
        _informers = informers;
        _nodes = [.. nodes];
        var duplicate = _nodes.GroupBy(n => n.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Node \"{duplicate.Key}\" is registered twice.", nameof(nodes));
        _options = options ?? new NodeAgentOptions();
        _events = events;
        _network = network ?? new InProcessNetworkProvider();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Orchestrator.NodeAgent");
        _metrics = new NodeAgentMetrics(meterFactory);
    }

    /// <summary>The names of the nodes this host runs.</summary>
    public IReadOnlyList<string> NodeNames => [.. _nodes.Select(n => n.Name)];

    /// <summary>
    /// Completes once every node is registered, the caches have synced and the agents synchronise pods; faults when
    /// starting failed.
    /// </summary>
    public Task Ready => _ready.Task;

    /// <summary>How many pod synchronisations have completed; lets tests know the agents caught up.</summary>
    internal long CompletedSyncs => Interlocked.Read(ref _completedSyncs);

    /// <summary>
    /// How many pod syncs and probe attempts are running (taken off their queue and not yet done, including the
    /// scheduling of their next run); lets tests on a fake clock wait for the work they observed to finish.
    /// </summary>
    internal int InFlight => Volatile.Read(ref _inFlight);

    /// <inheritdoc/>
    public override void Dispose()
    {
        _metrics.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        NodeAgentLog.Starting(_logger, _nodes.Length);
        var pods = _informers.GetInformer<Pod>();
        pods.AddFieldIndexer("spec.nodeName");
        var configMaps = _informers.GetInformer<ConfigMap>();
        var secrets = _informers.GetInformer<Secret>();
        var claims = _informers.GetInformer<PersistentVolumeClaim>();
        var volumes = _informers.GetInformer<PersistentVolume>();
        using var podQueue = new WorkQueue<ObjectKey>(RateLimiters.ItemExponential<ObjectKey>(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(30)), _time);
        using var probeQueue = new WorkQueue<ProbeKey>(RateLimiters.ItemExponential<ProbeKey>(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)), _time);
        var context = new AgentContext
        {
            Store = _store,
            Options = _options,
            Time = _time,
            Pods = pods.Lister,
            ConfigMaps = configMaps.Lister,
            Secrets = secrets.Lister,
            Claims = claims.Lister,
            Volumes = volumes.Lister,
            Events = _events,
            Logger = _logger,
            Metrics = _metrics,
            PodQueue = podQueue,
            ProbeQueue = probeQueue,
        };
        _agents = _nodes.ToDictionary(n => n.Name, n => new NodeAgent(n, _network, context), StringComparer.Ordinal);
        var registrations = new List<IDisposable>();
        try
        {
            await ForEachAgentAsync(a => a.StartAsync(stoppingToken), stoppingToken).ConfigureAwait(false);

            registrations.Add(pods.AddEventHandler(
                onAdd: pod => EnqueueIfMine(context, pod),
                onUpdate: (old, pod) =>
                {
                    if (Matters(old, pod)) EnqueueIfMine(context, pod);
                },
                onDelete: pod => EnqueueIfMine(context, pod)));
            registrations.Add(configMaps.AddEventHandler(
                onAdd: cm => context.Wake(new("ConfigMap", cm.Metadata.Namespace ?? "", cm.Metadata.Name ?? "")),
                onUpdate: (_, cm) => context.Wake(new("ConfigMap", cm.Metadata.Namespace ?? "", cm.Metadata.Name ?? ""))));
            registrations.Add(secrets.AddEventHandler(
                onAdd: s => context.Wake(new("Secret", s.Metadata.Namespace ?? "", s.Metadata.Name ?? "")),
                onUpdate: (_, s) => context.Wake(new("Secret", s.Metadata.Namespace ?? "", s.Metadata.Name ?? ""))));
            registrations.Add(claims.AddEventHandler(
                onAdd: c => context.Wake(new("PersistentVolumeClaim", c.Metadata.Namespace ?? "", c.Metadata.Name ?? "")),
                onUpdate: (_, c) => context.Wake(new("PersistentVolumeClaim", c.Metadata.Namespace ?? "", c.Metadata.Name ?? ""))));
            registrations.Add(volumes.AddEventHandler(
                onAdd: v => context.Wake(new("PersistentVolume", "", v.Metadata.Name ?? "")),
                onUpdate: (_, v) => context.Wake(new("PersistentVolume", "", v.Metadata.Name ?? ""))));

            await Task.WhenAll(
                pods.WaitForSyncAsync(stoppingToken), configMaps.WaitForSyncAsync(stoppingToken), secrets.WaitForSyncAsync(stoppingToken),
                claims.WaitForSyncAsync(stoppingToken), volumes.WaitForSyncAsync(stoppingToken)).ConfigureAwait(false);
            await ForEachAgentAsync(a => a.RemoveOrphansAsync(stoppingToken), stoppingToken).ConfigureAwait(false);

            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var tasks = new List<Task>();
            tasks.AddRange(Enumerable.Range(0, Math.Max(1, _options.PodWorkers))
                .Select(_ => Task.Run(() => PodWorkerAsync(context, stopping), CancellationToken.None)));
            tasks.AddRange(Enumerable.Range(0, Math.Max(1, _options.ProbeWorkers))
                .Select(_ => Task.Run(() => ProbeWorkerAsync(context, stopping), CancellationToken.None)));
            tasks.AddRange(_agents.Values.Select(a => a.WatchRuntimeEventsAsync(stopping.Token)));
            tasks.Add(HeartbeatLoopAsync(stopping.Token));
            NodeAgentLog.Started(_logger, _agents.Count, _options.PodWorkers);
            _ready.TrySetResult();
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _ready.TrySetCanceled(stoppingToken);
        }
        catch (Exception e)
        {
            _ready.TrySetException(e);
            throw;
        }
        finally
        {
            foreach (var registration in registrations) registration.Dispose();
            podQueue.ShutDown();
            probeQueue.ShutDown();
            NodeAgentLog.Stopped(_logger);
        }
    }

    /// <summary>True when an update of a pod needs the agent: not for status-only changes, which are mostly its own.</summary>
    private static bool Matters(Pod old, Pod pod) =>
        old.Metadata.Uid != pod.Metadata.Uid ||
        old.Metadata.Generation != pod.Metadata.Generation ||
        old.Metadata.DeletionTimestamp != pod.Metadata.DeletionTimestamp ||
        old.Metadata.DeletionGracePeriodSeconds != pod.Metadata.DeletionGracePeriodSeconds ||
        old.Spec.NodeName != pod.Spec.NodeName ||
        !ReferenceEquals(old.Spec, pod.Spec) && !old.Spec.Equals(pod.Spec) ||
        (pod.IsTerminal() && !old.IsTerminal()) ||
        (pod.Spec.ReadinessGates.Count > 0 && !ReferenceEquals(old.Status, pod.Status));

    private void EnqueueIfMine(AgentContext context, Pod pod)
    {
        var key = ObjectKey.Of(pod);
        if ((pod.Spec.NodeName is { } node && _agents.ContainsKey(node)) || context.Owners.ContainsKey(key)) context.PodQueue.Add(key);
    }

    private async Task PodWorkerAsync(AgentContext context, CancellationTokenSource stopping)
    {
        var queue = context.PodQueue;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                ObjectKey key;
                try
                {
                    (key, var shutDown) = await queue.GetAsync(stopping.Token).ConfigureAwait(false);
                    if (shutDown) return;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                Interlocked.Increment(ref _inFlight);
                try
                {
                    var wake = await SyncAsync(context, key, stopping.Token).ConfigureAwait(false);
                    queue.Forget(key);
                    if (wake is { } at) queue.AddAfter(key, at - _time.GetUtcNow());
                    Interlocked.Increment(ref _completedSyncs);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    var attempt = queue.NumRequeues(key) + 1;
                    var delay = queue.AddRateLimited(key);
                    NodeAgentLog.SyncFailed(_logger, e, key.ToString(), attempt, delay);
                }
                finally
                {
                    queue.Done(key);
                    Interlocked.Decrement(ref _inFlight);
                }
            }
        }
        catch (Exception) when (!stopping.IsCancellationRequested)
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<DateTimeOffset?> SyncAsync(AgentContext context, ObjectKey key, CancellationToken cancellationToken)
    {
        var pod = context.Pods.Get(key);
        var target = pod?.Spec.NodeName is { } node ? _agents.GetValueOrDefault(node) : null;
        if (context.Owners.TryGetValue(key, out var owner) && owner != target)
        {
            // The pod the owner knows is gone or was replaced by one on another node: let the owner clean up first.
            await owner.SyncAsync(key, pod, cancellationToken).ConfigureAwait(false);
        }
        return target is null ? null : await target.SyncAsync(key, pod, cancellationToken).ConfigureAwait(false);
    }

    private async Task ProbeWorkerAsync(AgentContext context, CancellationTokenSource stopping)
    {
        var queue = context.ProbeQueue;
        while (!stopping.IsCancellationRequested)
        {
            ProbeKey key;
            try
            {
                (key, var shutDown) = await queue.GetAsync(stopping.Token).ConfigureAwait(false);
                if (shutDown) return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Interlocked.Increment(ref _inFlight);
            try
            {
                var next = await key.Agent.ProbeAsync(key.Pod, key.Tracker, key.Kind, stopping.Token).ConfigureAwait(false);
                if (next is { } at) queue.AddAfter(key, at - _time.GetUtcNow());
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                NodeAgentLog.SyncFailed(_logger, e, key.Pod.Key.ToString(), 1, queue.AddRateLimited(key));
            }
            finally
            {
                queue.Done(key);
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await ForEachAgentAsync(async agent =>
                {
                    try
                    {
                        await agent.HeartbeatAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        NodeAgentLog.HeartbeatFailed(_logger, e, agent.Name);
                    }
                }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private Task ForEachAgentAsync(Func<NodeAgent, Task> action, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(_agents.Values, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (agent, _) => await action(agent).ConfigureAwait(false));
}
