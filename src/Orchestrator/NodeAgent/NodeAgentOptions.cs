namespace Orchestrator.NodeAgent;

/// <summary>
/// Settings shared by every node agent of a process. The defaults are Kubernetes' kubelet defaults; tests shorten the
/// back-off and heartbeat periods (or drive them with a fake <see cref="TimeProvider"/>).
/// </summary>
public sealed record NodeAgentOptions
{
    /// <summary>How often each node's status (the <c>Ready</c> condition's <c>lastHeartbeatTime</c>) is written; 10 s.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The first restart delay of a crashing container (and of a failing image pull); each further failure doubles it up
    /// to <see cref="BackOffMax"/>. The first restart after a crash is immediate, as in Kubernetes; 10 s.
    /// </summary>
    public TimeSpan BackOffBase { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest restart delay (<c>CrashLoopBackOff</c>, <c>ImagePullBackOff</c>); 5 min.</summary>
    public TimeSpan BackOffMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A container that runs this long since its last restart starts over at <see cref="BackOffBase"/>; 10 min.</summary>
    public TimeSpan BackOffReset { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often every pod is re-synchronised even when nothing was signalled (kubelet's <c>syncFrequency</c>); it catches
    /// container deaths on runtimes without <see cref="Runtime.IContainerEvents"/>; 1 min.
    /// </summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often a container waiting for a ConfigMap, Secret or PersistentVolumeClaim retries, besides retrying as soon as
    /// the object changes; 10 s.
    /// </summary>
    public TimeSpan ConfigRetryInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Pod status coalescing: a pod's status is written at most once per this window; changes inside it are folded into
    /// the next write. Zero (the default) writes as soon as something changed. At most one write per pod is in flight.
    /// </summary>
    public TimeSpan StatusUpdateInterval { get; init; } = TimeSpan.Zero;

    /// <summary>How many pods (across every node of the process) are synchronised concurrently; 128.</summary>
    public int PodWorkers { get; init; } = 128;

    /// <summary>How many probes (across every node of the process) run concurrently; 32.</summary>
    public int ProbeWorkers { get; init; } = 32;

    /// <summary>The cluster DNS servers for <c>dnsPolicy: ClusterFirst</c>; empty leaves the runtime's resolver in place.</summary>
    public IReadOnlyList<string> ClusterDns { get; init; } = [];

    /// <summary>The cluster domain used in DNS search paths; <c>cluster.local</c>.</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>The most images listed in a node's <c>status.images</c>; 50.</summary>
    public int MaxImagesInNodeStatus { get; init; } = 50;

    /// <summary>Reported as the node's <c>kubeletVersion</c>.</summary>
    public string AgentVersion { get; init; } = "v1.31.0-orchestrator";
}
