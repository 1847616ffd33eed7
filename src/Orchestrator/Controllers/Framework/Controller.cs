using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// Runs one declared controller (controller-runtime's internal <c>Controller</c>): informer handlers enqueue keys, and
/// workers take keys from a rate-limited work queue and call the reconciler, once the watched informers have synced.
/// </summary>
internal sealed class Controller : BackgroundService
{
    private readonly ControllerBuilder _definition;
    private readonly IServiceProvider _services;
    private readonly SharedInformerFactory _informers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ControllerMetrics _metrics;
    private readonly IReconciler _reconciler;

    public Controller(ControllerBuilder definition, IServiceProvider services)
    {
        _definition = definition;
        _services = services;
        _informers = services.GetRequiredService<SharedInformerFactory>();
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance)
            .CreateLogger($"Orchestrator.Controllers.{definition.Name}");
        _metrics = services.GetRequiredService<ControllerMetrics>();
        var factory = definition.ReconcilerFactory
            ?? throw new InvalidOperationException($"Controller \"{definition.Name}\" has no reconciler; call WithReconciler.");
        _reconciler = factory(services);
        Queue = new WorkQueue<ObjectKey>(definition.RateLimiterFactory(_time), _time);
    }

    public string Name => _definition.Name;

    /// <summary>The controller's work queue; exposed for tests and diagnostics.</summary>
    internal WorkQueue<ObjectKey> Queue { get; }

    public override void Dispose()
    {
        Queue.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var registrations = new List<IDisposable> { _metrics.TrackQueue(Name, () => Queue.Length) };
        try
        {
            var informers = _definition.Sources.Select(s => s.GetInformer(_informers)).Distinct().ToArray();
            foreach (var source in _definition.Sources) registrations.Add(source.Register(_informers, _services, Queue.Add));

            ControllerLog.WaitingForSync(_logger, Name, informers.Length);
            await Task.WhenAll(informers.Select(i => i.WaitForSyncAsync(stoppingToken))).ConfigureAwait(false);

            ControllerLog.Started(_logger, Name, _definition.Workers, _definition.Kind.Kind);
            // A worker that fails (a bug in the engine, never a reconciler error) stops its siblings and the host.
            using var workersStopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var workers = Enumerable.Range(0, _definition.Workers)
                .Select(_ => Task.Run(() => RunWorkerAsync(workersStopping), CancellationToken.None))
                .ToArray();
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var registration in registrations) registration.Dispose();
            Queue.ShutDown();
            ControllerLog.Stopped(_logger, Name);
        }
    }

    private async Task RunWorkerAsync(CancellationTokenSource stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                ObjectKey key;
                try
                {
                    (key, var shutDown) = await Queue.GetAsync(stopping.Token).ConfigureAwait(false);
                    if (shutDown) return;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                try
                {
                    await ReconcileAsync(key, stopping.Token).ConfigureAwait(false);
                }
                finally
                {
                    Queue.Done(key);
                }
            }
        }
        catch (Exception) when (!stopping.IsCancellationRequested)
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var kind = _definition.Kind.Kind;
        using var scope = ControllerLog.BeginReconcileScope(_logger, Name, kind, key.Namespace, key.Name);
        using var activity = ControllerDiagnostics.ActivitySource.StartActivity($"reconcile {Name}");
        activity?.SetTag("controller", Name);
        activity?.SetTag("kind", kind);
        activity?.SetTag("namespace", key.Namespace);
        activity?.SetTag("name", key.Name);

        var started = _time.GetTimestamp();
        string result;
        try
        {
            var outcome = await _reconciler.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
            if (outcome.RequeueAfter is { } delay)
            {
                Queue.Forget(key);
                Queue.AddAfter(key, delay);
                result = "requeue_after";
            }
            else if (outcome.IsRequeue)
            {
                Queue.AddRateLimited(key);
                _metrics.Retried(Name);
                result = "requeue";
            }
            else
            {
                Queue.Forget(key);
                result = "success";
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = "canceled";
        }
        catch (TerminalException ex)
        {
            Queue.Forget(key);
            ControllerLog.ReconcileTerminal(_logger, ex, key.ToString());
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            result = "terminal";
        }
        catch (Exception ex)
        {
            var attempt = Queue.NumRequeues(key) + 1;
            var delay = Queue.AddRateLimited(key);
            _metrics.Retried(Name);
            ControllerLog.ReconcileFailed(_logger, ex, key.ToString(), attempt, delay);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            result = "error";
        }

        var elapsed = _time.GetElapsedTime(started);
        activity?.SetTag("result", result);
        _metrics.Reconciled(Name, result, elapsed);
        ControllerLog.Reconciled(_logger, key.ToString(), elapsed, result);
    }
}
