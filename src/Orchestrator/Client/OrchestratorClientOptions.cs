namespace Orchestrator.Client;

/// <summary>Settings of an <see cref="OrchestratorClient"/>: wait timeouts and how much a failed wait reports.</summary>
public sealed record OrchestratorClientOptions
{
    /// <summary>How long a wait helper waits when the caller passes no timeout; 2 minutes.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How many of a container's last log lines a failed wait quotes (0 for none); 10.</summary>
    public int DiagnosticLogLines { get; init; } = 10;

    /// <summary>How many recent Warning events of an object a failed wait quotes (0 for none); 5.</summary>
    public int DiagnosticEvents { get; init; } = 5;

    /// <summary>How many of a workload's pods that are not ready a failed wait describes; 3.</summary>
    public int DiagnosticPods { get; init; } = 3;

    /// <summary>How long reading the logs for a diagnostic may take before it is given up; 2 seconds.</summary>
    public TimeSpan DiagnosticLogTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
