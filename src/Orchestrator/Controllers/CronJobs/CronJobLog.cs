using Microsoft.Extensions.Logging;

namespace Orchestrator.Controllers;

internal static partial class CronJobLog
{
    [LoggerMessage(EventId = 5800, Level = LogLevel.Information, Message = "Created Job {Job} for the scheduled time {Scheduled:o}")]
    public static partial void Created(ILogger logger, string job, DateTimeOffset scheduled);

    [LoggerMessage(EventId = 5801, Level = LogLevel.Warning,
        Message = "Too many missed start times ({Missed}); only the latest runs. Set or decrease .spec.startingDeadlineSeconds or check clock skew")]
    public static partial void TooManyMissed(ILogger logger, long missed);
}
