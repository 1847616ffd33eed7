using Microsoft.Extensions.Logging;

namespace Orchestrator.Controllers;

internal static partial class NodeLifecycleLog
{
    [LoggerMessage(EventId = 1740, Level = LogLevel.Warning,
        Message = "Node {Node} has not posted status since {LastHeartbeat}; its conditions are now Unknown")]
    public static partial void NodeUnreachable(ILogger logger, string node, DateTimeOffset? lastHeartbeat);

    [LoggerMessage(EventId = 1741, Level = LogLevel.Information, Message = "Node {Node} is Ready={Ready}; its taints are now [{Taints}]")]
    public static partial void TaintsUpdated(ILogger logger, string node, string ready, string taints);

    [LoggerMessage(EventId = 1742, Level = LogLevel.Information, Message = "Evicting pod {Pod} from node {Node} (grace period {GracePeriod})")]
    public static partial void Evicting(ILogger logger, string pod, string node, string gracePeriod);
}
