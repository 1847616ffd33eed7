using Microsoft.Extensions.Logging;

namespace Orchestrator.Client;

/// <summary>The client's log messages (category <c>Orchestrator.Client</c>).</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Result}")]
    public static partial void Applied(ILogger logger, string result);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "{Kind} {Namespace}/{Name} scaled to {Replicas} replicas")]
    public static partial void Scaled(ILogger logger, string kind, string @namespace, string name, int replicas);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "{Kind} {Key} reached \"{Goal}\" after {Elapsed}")]
    public static partial void WaitSucceeded(ILogger logger, string kind, string key, string goal, TimeSpan elapsed);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Timed out after {Timeout} waiting for {Kind} {Key} {Goal}: {Pending}")]
    public static partial void WaitTimedOut(ILogger logger, string kind, string key, string goal, TimeSpan timeout, string pending);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "{Kind} {Key} will not {Goal}: {Reason}")]
    public static partial void WaitFailed(ILogger logger, string kind, string key, string goal, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Rollout of {Kind} {Namespace}/{Name}: {Action}")]
    public static partial void Rollout(ILogger logger, string kind, string @namespace, string name, string action);
}
