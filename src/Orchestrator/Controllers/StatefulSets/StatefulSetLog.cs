using Microsoft.Extensions.Logging;

namespace Orchestrator.Controllers;

internal static partial class StatefulSetLog
{
    [LoggerMessage(EventId = 5600, Level = LogLevel.Information, Message = "Pod {Pod} is terminating for update to revision {Revision}")]
    public static partial void UpdatingPod(ILogger logger, string pod, string revision);
}
