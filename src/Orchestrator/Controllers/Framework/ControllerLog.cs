using Microsoft.Extensions.Logging;

namespace Orchestrator.Controllers;

internal static partial class ControllerLog
{
    private static readonly Func<ILogger, string, string, string, string, IDisposable?> ReconcileScope =
        LoggerMessage.DefineScope<string, string, string, string>("{Controller} {Kind} {Namespace}/{Name}");

    /// <summary>The scope around one reconcile: controller, kind, namespace and name.</summary>
    public static IDisposable? BeginReconcileScope(ILogger logger, string controller, string kind, string @namespace, string name) =>
        ReconcileScope(logger, controller, kind, @namespace, name);

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Controller {Controller} waiting for {Count} informer(s) to sync")]
    public static partial void WaitingForSync(ILogger logger, string controller, int count);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Controller {Controller} started {Workers} worker(s) for {Kind}")]
    public static partial void Started(ILogger logger, string controller, int workers, string kind);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Controller {Controller} stopped")]
    public static partial void Stopped(ILogger logger, string controller);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Reconciling {Key} failed (attempt {Attempt}); retrying in {Delay}")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception, string key, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Reconciling {Key} failed with a terminal error; not retrying until it changes")]
    public static partial void ReconcileTerminal(ILogger logger, Exception exception, string key);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "Reconciled {Key} in {Duration}: {Result}")]
    public static partial void Reconciled(ILogger logger, string key, TimeSpan duration, string result);
}
