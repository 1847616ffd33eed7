using Microsoft.Extensions.Logging;

namespace Orchestrator.Controllers;

internal static partial class JobLog
{
    [LoggerMessage(EventId = 5700, Level = LogLevel.Information, Message = "Job finished: {Condition} ({Reason})")]
    public static partial void Finished(ILogger logger, string condition, string? reason);

    [LoggerMessage(EventId = 5701, Level = LogLevel.Debug, Message = "Waiting {Delay} before replacing failed pods")]
    public static partial void BackingOff(ILogger logger, TimeSpan delay);

    [LoggerMessage(EventId = 5702, Level = LogLevel.Information, Message = "Deleting the Job {Job}: {Ttl} s after it finished")]
    public static partial void TtlExpired(ILogger logger, string job, int ttl);
}
