using Microsoft.Extensions.Logging;

namespace Orchestrator.NodeAgent;

internal static partial class NodeAgentLog
{
    private static readonly Func<ILogger, string, string, string, IDisposable?> PodScope =
        LoggerMessage.DefineScope<string, string, string>("Node {Node} pod {Namespace}/{Name}");

    /// <summary>The scope around one pod synchronisation: node, namespace and name.</summary>
    public static IDisposable? BeginPodScope(ILogger logger, string node, string @namespace, string name) =>
        PodScope(logger, node, @namespace, name);

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Node agents starting for {Count} node(s)")]
    public static partial void Starting(ILogger logger, int count);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Node agents running {Count} node(s) with {Workers} pod worker(s)")]
    public static partial void Started(ILogger logger, int count, int workers);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Node agents stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Node {Node} registered")]
    public static partial void NodeRegistered(ILogger logger, string node);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Node {Node} status update failed")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception, string node);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Syncing pod {Key} failed (attempt {Attempt}); retrying in {Delay}")]
    public static partial void SyncFailed(ILogger logger, Exception exception, string key, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Node {Node} adopted {Sandboxes} sandbox(es) and {Containers} container(s) from the runtime")]
    public static partial void Adopted(ILogger logger, string node, int sandboxes, int containers);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Node {Node} removed the containers of pod uid {Uid}, which no longer exists")]
    public static partial void RemovedOrphan(ILogger logger, string node, string uid);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Debug, Message = "Started container {Container} ({Id}), restart count {RestartCount}")]
    public static partial void ContainerStarted(ILogger logger, string container, string id, int restartCount);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Debug, Message = "Container {Container} exited with code {ExitCode}")]
    public static partial void ContainerExited(ILogger logger, string container, int exitCode);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Pod terminated and removed after {Elapsed}")]
    public static partial void PodTerminated(ILogger logger, TimeSpan elapsed);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Runtime event stream of node {Node} failed; relying on periodic resync")]
    public static partial void EventStreamFailed(ILogger logger, Exception exception, string node);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Debug, Message = "Container {Container} waiting: {Reason}")]
    public static partial void ContainerWaiting(ILogger logger, string container, string reason);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "Removing runtime object {Id} failed")]
    public static partial void CleanupFailed(ILogger logger, Exception exception, string id);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Information, Message = "Pod sandbox {Id} is not running any more; replacing it")]
    public static partial void SandboxDied(ILogger logger, string id);
}
