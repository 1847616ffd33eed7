namespace Orchestrator.Controllers;

/// <summary>Creates event recorders that share one background writer (client-go <c>EventBroadcaster</c>).</summary>
public interface IEventRecorderFactory
{
    /// <summary>
    /// Creates a recorder whose events carry <c>source.component</c> and <c>reportingComponent</c>
    /// <paramref name="component"/> (e.g. <c>default-scheduler</c>, <c>kubelet</c>, <c>replicaset-controller</c>) and
    /// <c>source.host</c> and <c>reportingInstance</c> <paramref name="host"/> (e.g. the node name of a kubelet).
    /// </summary>
    IEventRecorder CreateRecorder(string component, string? host = null);
}
