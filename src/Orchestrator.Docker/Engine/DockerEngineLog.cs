using Microsoft.Extensions.Logging;

namespace Orchestrator.Docker.Engine;

/// <summary>Log messages of the Engine API client.</summary>
internal static partial class DockerEngineLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Connected to Docker engine {Address} ({Source}): Engine {EngineVersion}, API {ApiVersion}")]
    public static partial void Connected(ILogger logger, string address, string source, string? engineVersion, string apiVersion);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Docker engine {Address} ({Source}) did not answer: {Error}")]
    public static partial void EndpointFailed(ILogger logger, string address, string source, string error);
}
