using Microsoft.Extensions.Logging;

namespace Orchestrator.Controllers;

internal static partial class InformerLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "{Kind} informer synced: {Count} objects at resourceVersion {ResourceVersion}")]
    public static partial void Synced(ILogger logger, string kind, int count, string resourceVersion);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "{Kind} watch ended; relisting in {Delay}")]
    public static partial void WatchEnded(ILogger logger, string kind, TimeSpan delay);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "{Kind} watch expired ({Reason}); relisting in {Delay}")]
    public static partial void WatchExpired(ILogger logger, string kind, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "{Kind} list/watch failed; relisting in {Delay}")]
    public static partial void ListWatchFailed(ILogger logger, Exception exception, string kind, TimeSpan delay);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Error, Message = "{Kind} informer event handler failed for {Key}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string kind, string key);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Error, Message = "{Kind} informer index {Index} function failed")]
    public static partial void IndexFailed(ILogger logger, Exception exception, string kind, string index);
}
