using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Controllers;

namespace Orchestrator.Scheduling;

/// <summary>
/// The scheduler (kube-scheduler): takes pending pods of its profiles one at a time, in priority then arrival order,
/// runs the profile's plugins over the nodes, and binds each pod to the best node.
/// </summary>
/// <remarks>
/// <para>
/// Informer handlers only post changes to a channel; one scheduling thread applies them to the cache and the queue
/// between scheduling cycles and runs the cycles, so neither needs a lock and a cycle sees a stable snapshot. Bindings
/// run concurrently in the background: a pod is assumed on its node as soon as it is chosen, so the next cycle already
/// counts it, and forgotten again if its binding fails.
/// </para>
/// <para>
/// A pod that fits no node gets <c>PodScheduled=False</c> (reason <c>Unschedulable</c>) and a <c>FailedScheduling</c>
/// event, and waits until a node is added or changes, an assigned pod goes away, or
/// <see cref="SchedulerOptions.UnschedulableRetryInterval"/> passes; then it is retried after its back-off.
/// </para>
/// </remarks>
internal sealed partial class Scheduler : BackgroundService
{
    private readonly SharedInformerFactory _informers;
    private readonly IPodBinder _binder;
    private readonly IEventRecorder _recorder;
    private readonly SchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SchedulerMetrics _metrics;
    private readonly Dictionary<string, SchedulingFramework> _profiles = new(StringComparer.Ordinal);
    private readonly SchedulerCache _cache = new();
    private readonly SchedulingContext _context;
    private readonly SchedulingQueue _queue;
    private readonly Channel<SchedulerEvent> _changes = Channel.CreateUnbounded<SchedulerEvent>(new UnboundedChannelOptions { SingleReader = true });
    private int _bindingsInFlight;

    public Scheduler(
        SharedInformerFactory informers,
        IPodBinder binder,
        IEventRecorderFactory events,
        SchedulerOptions options,
        IEnumerable<IPlugin> plugins,
        SchedulerMetrics metrics,
        TimeProvider time,
        ILogger<Scheduler> logger,
        Func<int, int>? random = null)
    {
        _informers = informers;
        _binder = binder;
        _options = options;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _context = new SchedulingContext(_cache);
        _queue = new SchedulingQueue(options, time);

        var byName = new Dictionary<string, IPlugin>(StringComparer.Ordinal);
        foreach (var plugin in plugins) byName[plugin.Name] = plugin;
        var rng = random ?? new Random().Next;
        Validate(options);
        foreach (var profile in options.Profiles)
        {
            if (!_profiles.TryAdd(profile.SchedulerName, new SchedulingFramework(profile, byName, options.PercentageOfNodesToScore, rng)))
            {
                throw new InvalidOperationException($"Two scheduler profiles have the scheduler name \"{profile.SchedulerName}\".");
            }
        }
        _recorder = events.CreateRecorder(options.Profiles[0].SchedulerName);
    }

    private static void Validate(SchedulerOptions options)
    {
        if (options.Profiles.Count == 0) throw new InvalidOperationException("The scheduler needs at least one profile.");
        if (options.PercentageOfNodesToScore is < 0 or > 100)
        {
            throw new InvalidOperationException($"PercentageOfNodesToScore must be between 0 and 100, not {options.PercentageOfNodesToScore}.");
        }
        if (options.PodInitialBackoff < TimeSpan.Zero || options.PodMaxBackoff < options.PodInitialBackoff)
        {
            throw new InvalidOperationException("PodInitialBackoff must not be negative and PodMaxBackoff not shorter than it.");
        }
        if (options.MaxConcurrentBindings < 1) throw new InvalidOperationException("MaxConcurrentBindings must be at least 1.");
    }

    /// <summary>For tests: the cache the scheduling thread owns (read it only while the scheduler is stopped).</summary>
    internal SchedulerCache Cache => _cache;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pods = _informers.GetInformer<Pod>();
        var nodes = _informers.GetInformer<Node>();
        var namespaces = _informers.GetInformer<Namespace>();
        var claims = _informers.GetInformer<PersistentVolumeClaim>();
        var writer = _changes.Writer;
        using var podHandler = pods.AddEventHandler(
            p => writer.TryWrite(new SchedulerEvent.PodChanged(null, p)),
            (old, p) => writer.TryWrite(new SchedulerEvent.PodChanged(old, p)),
            p => writer.TryWrite(new SchedulerEvent.PodDeleted(p)));
        using var nodeHandler = nodes.AddEventHandler(
            n => writer.TryWrite(new SchedulerEvent.NodeChanged(null, n)),
            (old, n) => writer.TryWrite(new SchedulerEvent.NodeChanged(old, n)),
            n => writer.TryWrite(new SchedulerEvent.NodeDeleted(n)));
        using var namespaceHandler = namespaces.AddEventHandler(
            n => writer.TryWrite(new SchedulerEvent.NamespaceChanged(n.Metadata.Name ?? "", n.Metadata.Labels)),
            (_, n) => writer.TryWrite(new SchedulerEvent.NamespaceChanged(n.Metadata.Name ?? "", n.Metadata.Labels)),
            n => writer.TryWrite(new SchedulerEvent.NamespaceChanged(n.Metadata.Name ?? "", null)));
        using var claimHandler = claims.AddEventHandler(
            c => writer.TryWrite(new SchedulerEvent.ClaimChanged(ObjectKey.Of(c).ToString(), c.Spec.AccessModes)),
            (_, c) => writer.TryWrite(new SchedulerEvent.ClaimChanged(ObjectKey.Of(c).ToString(), c.Spec.AccessModes)),
            c => writer.TryWrite(new SchedulerEvent.ClaimChanged(ObjectKey.Of(c).ToString(), null)));

        SchedulerLog.WaitingForSync(_logger, string.Join(", ", _profiles.Keys));
        await Task.WhenAll(
            pods.WaitForSyncAsync(stoppingToken), nodes.WaitForSyncAsync(stoppingToken),
            namespaces.WaitForSyncAsync(stoppingToken), claims.WaitForSyncAsync(stoppingToken)).ConfigureAwait(false);

        // Back-off expiry and the unschedulable retry interval are checked once a second, as Kubernetes does.
        using var ticker = _time.CreateTimer(_ => writer.TryWrite(SchedulerEvent.Tick.Instance), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        DrainEvents();
        SchedulerLog.Started(_logger, _cache.Nodes.Count, _queue.Count);
        try
        {
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        SchedulerLog.Stopped(_logger);
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var reader = _changes.Reader;
        while (!stoppingToken.IsCancellationRequested)
        {
            DrainEvents();
            if (_bindingsInFlight < _options.MaxConcurrentBindings && _queue.TryPop(out var next))
            {
                ScheduleOne(next, stoppingToken);
                continue;
            }
            _metrics.SetPending(_queue.Count, _queue.UnschedulableCount);
            await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    private void DrainEvents()
    {
        while (_changes.Reader.TryRead(out var change)) Apply(change);
    }

    private void ScheduleOne(QueuedPod queued, CancellationToken stoppingToken)
    {
        var pod = queued.Pod;
        if (!_profiles.TryGetValue(pod.Spec.SchedulerName, out var framework)) return;
        var key = ObjectKey.Of(pod).ToString();
        var started = _time.GetTimestamp();
        ScheduleResult result;
        PodInfo info;
        try
        {
            info = new PodInfo(pod);
            result = framework.Schedule(_context, info);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _metrics.Attempted(framework.Profile.SchedulerName, SchedulerMetrics.Error, _time.GetElapsedTime(started));
            SchedulerLog.ScheduleFailed(_logger, ex, key);
            _queue.AddBackoff(queued, pod);
            return;
        }

        if (result.NodeName is { } nodeName)
        {
            _cache.Assume(info, nodeName);
            _metrics.Attempted(framework.Profile.SchedulerName, SchedulerMetrics.Scheduled, _time.GetElapsedTime(started));
            SchedulerLog.Assumed(_logger, key, nodeName, result.FeasibleNodes, result.EvaluatedNodes);
            _bindingsInFlight++;
            _ = BindAsync(queued, nodeName, stoppingToken);
            return;
        }

        var message = result.Message ?? ScheduleResult.NoNodesAvailable;
        _metrics.Attempted(framework.Profile.SchedulerName, SchedulerMetrics.Unschedulable, _time.GetElapsedTime(started));
        SchedulerLog.Unschedulable(_logger, key, message);
        _queue.AddUnschedulable(queued, pod);
        _recorder.Warning(pod, "FailedScheduling", message);
        _ = SetUnschedulableAsync(pod, message, stoppingToken);
    }

    private async Task BindAsync(QueuedPod queued, string nodeName, CancellationToken stoppingToken)
    {
        var pod = queued.Pod;
        BindOutcome? outcome = null;
        Exception? error = null;
        try
        {
            await Task.Yield();
            outcome = await _binder.BindAsync(pod, nodeName, stoppingToken).ConfigureAwait(false);
            if (outcome == BindOutcome.Bound)
            {
                _recorder.Normal(pod, "Scheduled", $"Successfully assigned {ObjectKey.Of(pod)} to {nodeName}");
                _metrics.Bound(_time.GetUtcNow() - queued.FirstQueued, queued.Attempts + 1);
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }
        _changes.Writer.TryWrite(new SchedulerEvent.BindCompleted(queued, nodeName, outcome, error));
    }

    private async Task SetUnschedulableAsync(Pod pod, string message, CancellationToken stoppingToken)
    {
        try
        {
            await _binder.SetUnschedulableAsync(pod, message, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            SchedulerLog.ConditionUpdateFailed(_logger, ex, ObjectKey.Of(pod).ToString());
        }
    }
}
