using Microsoft.Extensions.Logging;

namespace Orchestrator.Scheduling;

internal static partial class SchedulerLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Scheduler waiting for informers to sync (profiles: {Profiles})")]
    public static partial void WaitingForSync(ILogger logger, string profiles);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Scheduler started with {Nodes} node(s) and {Pending} pending pod(s)")]
    public static partial void Started(ILogger logger, int nodes, int pending);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Scheduler stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Assumed pod {Pod} on node {Node} ({Feasible} feasible of {Evaluated} evaluated nodes)")]
    public static partial void Assumed(ILogger logger, string pod, string node, int feasible, int evaluated);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Unable to schedule pod {Pod}: {Message}")]
    public static partial void Unschedulable(ILogger logger, string pod, string message);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "Scheduling pod {Pod} failed; retrying after back-off")]
    public static partial void ScheduleFailed(ILogger logger, Exception exception, string pod);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Binding pod {Pod} to node {Node} failed; retrying after back-off")]
    public static partial void BindFailed(ILogger logger, Exception exception, string pod, string node);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug, Message = "Pod {Pod} is no longer waiting for node {Node}: {Outcome}")]
    public static partial void BindAbandoned(ILogger logger, string pod, string node, string outcome);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "Updating the PodScheduled condition of pod {Pod} failed")]
    public static partial void ConditionUpdateFailed(ILogger logger, Exception exception, string pod);
}
