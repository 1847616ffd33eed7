using Orchestrator.Controllers;
using Orchestrator.NodeAgent;

namespace Orchestrator.Hosting;

/// <summary>
/// The names of every meter and activity source of an embedded orchestrator, for OpenTelemetry
/// (<c>metrics.AddMeter([.. OrchestratorDiagnostics.MeterNames])</c>, <c>tracing.AddSource([.. OrchestratorDiagnostics.ActivitySourceNames])</c>)
/// or a <see cref="System.Diagnostics.Metrics.MeterListener"/>.
/// </summary>
/// <remarks>
/// Meters: <c>Orchestrator.Store</c> (writes, open watches, watch overflows), <c>Orchestrator.Controllers</c> (reconciles,
/// reconcile duration, retries, work queue depth; see <see cref="ControllerDiagnostics"/>), <c>Orchestrator.Scheduler</c>
/// (scheduling attempts and latency) and <c>Orchestrator.NodeAgent</c> (pod startup duration, running pods, container
/// restarts, pod sync duration; see <see cref="NodeAgentDiagnostics"/>) and <c>Orchestrator.Networking</c> (Service proxy
/// connections, bytes, backend failures and DNS queries; see <see cref="Networking.ServiceNetworkingDiagnostics"/>). Activity sources: <c>Orchestrator.Controllers</c>
/// (one activity per reconcile) and <c>Orchestrator.Client</c> (applies and waits of <see cref="Client.IOrchestratorClient"/>).
/// </remarks>
public static class OrchestratorDiagnostics
{
    /// <summary>The activity source of <see cref="Client.IOrchestratorClient"/>: <c>Orchestrator.Client</c>.</summary>
    public const string ClientActivitySourceName = Client.ClientDiagnostics.ActivitySourceName;

    /// <summary>Every meter the orchestrator's components record on.</summary>
    public static IReadOnlyList<string> MeterNames { get; } =
        ["Orchestrator.Store", ControllerDiagnostics.MeterName, "Orchestrator.Scheduler", NodeAgentDiagnostics.MeterName,
            Networking.ServiceNetworkingDiagnostics.MeterName];

    /// <summary>Every activity source the orchestrator's components start activities on.</summary>
    public static IReadOnlyList<string> ActivitySourceNames { get; } = [ControllerDiagnostics.ActivitySourceName, ClientActivitySourceName];
}
