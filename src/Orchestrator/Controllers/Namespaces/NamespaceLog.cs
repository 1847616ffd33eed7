using Microsoft.Extensions.Logging;

namespace Orchestrator.Controllers;

internal static partial class NamespaceLog
{
    [LoggerMessage(EventId = 1720, Level = LogLevel.Information, Message = "Namespace {Namespace} is empty and finalized")]
    public static partial void Finalized(ILogger logger, string @namespace);

    [LoggerMessage(EventId = 1721, Level = LogLevel.Debug, Message = "Namespace {Namespace} is terminating; {Count} object(s) are still being deleted")]
    public static partial void ContentRemaining(ILogger logger, string @namespace, int count);
}
