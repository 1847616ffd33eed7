using Microsoft.Extensions.Logging;

namespace Orchestrator.Docker.Runtime;

/// <summary>Log messages of the Docker runtime (event ids 2100-2199). Never logs environment values or volume contents.</summary>
internal static partial class DockerRuntimeLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Debug, Message = "Created sandbox {SandboxId} ({Name}) on {Address}")]
    public static partial void SandboxCreated(ILogger logger, string sandboxId, string name, string address);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Created container {ContainerId} ({Name}) on {Address}")]
    public static partial void ContainerCreated(ILogger logger, string containerId, string name, string address);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Removed leftover container {Name} ({ContainerId}) of an earlier run on {Address}")]
    public static partial void ContainerNameReclaimed(ILogger logger, string name, string containerId, string address);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Pulling image {Image} on {Address}")]
    public static partial void Pulling(ILogger logger, string image, string address);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Pulling image {Image} on {Address} failed: {Error}")]
    public static partial void PullFailed(ILogger logger, string image, string address, string error);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "The event stream of {Address} ended; reconnecting")]
    public static partial void EventStreamEnded(ILogger logger, string address);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning, Message = "The event stream of {Address} failed ({Error}); reconnecting in {Delay}")]
    public static partial void EventStreamFailed(ILogger logger, string address, string error, TimeSpan delay);

    [LoggerMessage(EventId = 2120, Level = LogLevel.Information, Message = "Reaper removed {Containers} leftover containers and {Directories} directories of cluster {ClusterId} on {Address}")]
    public static partial void Reaped(ILogger logger, int containers, int directories, string clusterId, string address);

    [LoggerMessage(EventId = 2121, Level = LogLevel.Warning, Message = "Reaper could not remove {What} on {Address}: {Error}")]
    public static partial void ReapFailed(ILogger logger, string what, string address, string error);

    [LoggerMessage(EventId = 2130, Level = LogLevel.Information, Message = "Created network {Network} ({NetworkId}) on {Address}")]
    public static partial void NetworkCreated(ILogger logger, string network, string networkId, string address);
}
