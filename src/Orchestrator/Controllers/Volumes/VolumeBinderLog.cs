using Microsoft.Extensions.Logging;

namespace Orchestrator.Controllers;

internal static partial class VolumeBinderLog
{
    [LoggerMessage(EventId = 5900, Level = LogLevel.Information, Message = "Bound claim {Claim} to volume {Volume}")]
    public static partial void Bound(ILogger logger, string claim, string volume);

    [LoggerMessage(EventId = 5901, Level = LogLevel.Information, Message = "Provisioned volume {Volume} at {Path} for claim {Claim}")]
    public static partial void Provisioned(ILogger logger, string volume, string path, string claim);

    [LoggerMessage(EventId = 5902, Level = LogLevel.Information, Message = "Volume {Volume} was released by claim {Claim}; reclaim policy {Policy}")]
    public static partial void Released(ILogger logger, string volume, string claim, string policy);

    [LoggerMessage(EventId = 5903, Level = LogLevel.Warning, Message = "Could not delete the directory {Path} of volume {Volume}")]
    public static partial void DirectoryNotDeleted(ILogger logger, Exception exception, string path, string volume);
}
