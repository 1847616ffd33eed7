using Microsoft.Extensions.Logging;

namespace Orchestrator.Controllers;

internal static partial class DeploymentLog
{
    [LoggerMessage(EventId = 1520, Level = LogLevel.Debug, Message = "Scaled replica set {ReplicaSet} from {From} to {To}")]
    public static partial void Scaled(ILogger logger, string replicaSet, int from, int to);

    [LoggerMessage(EventId = 1521, Level = LogLevel.Warning, Message = "Replica set name {ReplicaSet} is taken by another template; collision count is now {CollisionCount}")]
    public static partial void HashCollision(ILogger logger, string replicaSet, int collisionCount);

    [LoggerMessage(EventId = 1522, Level = LogLevel.Debug, Message = "Deleted old replica set {ReplicaSet} (revision {Revision}) beyond the revision history limit")]
    public static partial void CleanedUp(ILogger logger, string replicaSet, long revision);

    [LoggerMessage(EventId = 1523, Level = LogLevel.Debug, Message = "The cache was behind the store ({Message}); retrying")]
    public static partial void Conflict(ILogger logger, string message);
}
