namespace Orchestrator.NodeAgent;

/// <summary>
/// Names of the telemetry node agents emit, for <c>AddMeter</c> in OpenTelemetry or a
/// <see cref="System.Diagnostics.Metrics.MeterListener"/>.
/// </summary>
/// <remarks>
/// Instruments (tag <c>node</c> where noted):
/// <list type="bullet">
/// <item><c>orchestrator.nodeagent.pod.startup.duration</c> (histogram, seconds): from a pod's creation to the agent
/// reporting it Running, once per pod — the Kubernetes pod startup SLI.</item>
/// <item><c>orchestrator.nodeagent.pods.running</c> (observable gauge, <c>node</c>): pods whose reported phase is Running.</item>
/// <item><c>orchestrator.nodeagent.container.restarts</c> (counter, <c>node</c>): containers restarted.</item>
/// <item><c>orchestrator.nodeagent.pod.sync.duration</c> (histogram, seconds): time per pod synchronisation.</item>
/// </list>
/// </remarks>
public static class NodeAgentDiagnostics
{
    /// <summary>The name of the node agents' <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "Orchestrator.NodeAgent";
}
