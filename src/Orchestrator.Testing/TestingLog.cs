using Microsoft.Extensions.Logging;

namespace Orchestrator.Testing;

/// <summary>The test harness's log messages (category <c>Orchestrator.Testing</c>).</summary>
internal static partial class TestingLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Removed the leftovers of test session {SessionId} (cluster id {ClusterId}, process {ProcessId} is gone)")]
    public static partial void Reaped(ILogger logger, string sessionId, string clusterId, int processId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Could not remove the leftovers of test session {SessionId}: {Reason}")]
    public static partial void ReapFailed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Tearing down the pod group in namespace {Namespace} did not finish: {Reason}")]
    public static partial void TeardownFailed(ILogger logger, string @namespace, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Test session {SessionId} started on {Nodes} {Runtime} nodes")]
    public static partial void Started(ILogger logger, string sessionId, int nodes, string runtime);
}
