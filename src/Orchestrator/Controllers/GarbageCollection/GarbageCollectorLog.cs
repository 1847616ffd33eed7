using Microsoft.Extensions.Logging;

namespace Orchestrator.Controllers;

internal static partial class GarbageCollectorLog
{
    [LoggerMessage(EventId = 1700, Level = LogLevel.Debug, Message = "Deleting {Kind} {Key} (propagation {Policy}): none of its owners remains")]
    public static partial void Deleting(ILogger logger, string kind, string key, string policy);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Debug, Message = "Orphaned {Count} dependent(s) of {Kind} {Key}")]
    public static partial void Orphaned(ILogger logger, string kind, string key, int count);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Debug, Message = "No dependent blocks the deletion of {Kind} {Key} any more; removing its foregroundDeletion finalizer")]
    public static partial void DependentsDeleted(ILogger logger, string kind, string key);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Warning,
        Message = "{Kind} {Key} has an owner reference to unknown kind {OwnerApiVersion}/{OwnerKind}; it is never collected through it")]
    public static partial void UnknownOwnerKind(ILogger logger, string kind, string key, string ownerApiVersion, string ownerKind);
}
