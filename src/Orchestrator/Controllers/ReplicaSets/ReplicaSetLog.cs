using Microsoft.Extensions.Logging;

namespace Orchestrator.Controllers;

internal static partial class ReplicaSetLog
{
    [LoggerMessage(EventId = 1500, Level = LogLevel.Debug, Message = "Too few replicas: need {Desired}, have {Actual}; creating {Count}")]
    public static partial void Creating(ILogger logger, int desired, int actual, int count);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Debug, Message = "Too many replicas: need {Desired}, have {Actual}; deleting {Count}")]
    public static partial void Deleting(ILogger logger, int desired, int actual, int count);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning, Message = "Could not {Operation} pods; {Done} of {Attempted} succeeded, retrying with back-off")]
    public static partial void ManageFailed(ILogger logger, Exception exception, string operation, int done, int attempted);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Debug, Message = "Waiting for the informer to observe earlier creates and deletes")]
    public static partial void ExpectationsPending(ILogger logger);
}
