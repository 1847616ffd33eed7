using System.Diagnostics;

namespace Orchestrator.Client;

/// <summary>The activity source of <see cref="OrchestratorClient"/>: one activity per apply and per wait.</summary>
internal static class ClientDiagnostics
{
    public const string ActivitySourceName = "Orchestrator.Client";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
