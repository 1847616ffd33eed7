using Microsoft.Extensions.Logging;

namespace Orchestrator.Controllers;

internal static partial class EndpointsLog
{
    [LoggerMessage(EventId = 6100, Level = LogLevel.Debug, Message = "{Action} endpoints: {Ready} ready and {NotReady} not ready addresses")]
    public static partial void Synced(ILogger logger, string action, int ready, int notReady);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Debug, Message = "Deleted the endpoints of the deleted service")]
    public static partial void Deleted(ILogger logger);
}
