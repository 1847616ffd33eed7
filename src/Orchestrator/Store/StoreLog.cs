using Microsoft.Extensions.Logging;

namespace Orchestrator.Store;

/// <summary>The store's log messages.</summary>
internal static partial class StoreLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "A watch of {Kind} fell {Lag} changes behind (buffer {Buffer}) and was failed with 410 Expired; it should relist")]
    public static partial void WatchOverflowed(ILogger logger, string kind, long lag, int buffer);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error,
        Message = "An observer of a {Kind} watch threw; the watch was stopped")]
    public static partial void WatchObserverFailed(ILogger logger, Exception exception, string kind);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "A watch of {Kind} failed")]
    public static partial void WatchFailed(ILogger logger, Exception exception, string kind);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Object store disposed; {Watches} open watches completed")]
    public static partial void Disposed(ILogger logger, int watches);
}
