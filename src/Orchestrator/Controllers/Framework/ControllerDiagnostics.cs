using System.Diagnostics;

namespace Orchestrator.Controllers;

/// <summary>
/// Names of the telemetry controllers emit, for <c>AddMeter</c>/<c>AddSource</c> in OpenTelemetry or a
/// <see cref="System.Diagnostics.Metrics.MeterListener"/>.
/// </summary>
/// <remarks>
/// Instruments of the meter (tag <c>controller</c> on all, <c>result</c> on reconciles and durations, one of
/// <c>success</c>, <c>requeue</c>, <c>requeue_after</c>, <c>error</c>, <c>terminal</c>, <c>canceled</c>):
/// <list type="bullet">
/// <item><c>orchestrator.controller.reconciles</c> (counter): reconcile calls.</item>
/// <item><c>orchestrator.controller.reconcile.duration</c> (histogram, seconds): time per reconcile call.</item>
/// <item><c>orchestrator.controller.retries</c> (counter): keys re-added through the rate limiter.</item>
/// <item><c>orchestrator.controller.queue.depth</c> (observable gauge): keys pending in the work queue.</item>
/// </list>
/// Each reconcile call is an activity named <c>reconcile {controller}</c> with tags <c>controller</c>, <c>kind</c>,
/// <c>namespace</c> and <c>name</c>.
/// </remarks>
public static class ControllerDiagnostics
{
    /// <summary>The name of the controllers' <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "Orchestrator.Controllers";

    /// <summary>The name of the controllers' <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string ActivitySourceName = "Orchestrator.Controllers";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
