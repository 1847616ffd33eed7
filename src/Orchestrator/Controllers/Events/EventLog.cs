using Microsoft.Extensions.Logging;

namespace Orchestrator.Controllers;

internal static partial class EventLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Event queue full: dropping events (first dropped: {Component} {Reason} for {Object})")]
    public static partial void Dropped(ILogger logger, string component, string reason, string @object);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Could not write event {Reason} for {Object}")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string reason, string @object);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "Could not record event {Reason}")]
    public static partial void RecordFailed(ILogger logger, Exception exception, string reason);
}
