using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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
        _logger = ControllerDependencies.LoggerOf(services, definition.Name);
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
            var kind = _definition.Kind.Kind;
            await new ReconcileWorkers<ObjectKey>(Name, Queue, _metrics, _time, _logger, key => (kind, key), _reconciler.ReconcileAsync)
                .RunAsync(_definition.Workers, stoppingToken).ConfigureAwait(false);
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
}
