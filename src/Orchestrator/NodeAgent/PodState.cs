using Orchestrator.Api;
using Orchestrator.Runtime;

namespace Orchestrator.NodeAgent;

/// <summary>
/// What an agent knows about one pod it runs: its sandbox, addresses, containers and back-offs. Only the pod's sync
/// (one at a time per pod) changes it, except the probe results in <see cref="ContainerRecord.Probes"/>.
/// </summary>
internal sealed class PodState(ObjectKey key, string uid)
{
    public ObjectKey Key { get; } = key;

    public string Uid { get; } = uid;

    /// <summary>The newest pod object seen (from the informer or returned by our own status write).</summary>
    public Pod? Pod { get; set; }

    public string? SandboxId { get; set; }

    public int SandboxAttempt { get; set; }

    /// <summary>The configuration the sandbox was created with (rebuilt without volumes for an adopted sandbox).</summary>
    public PodSandboxConfig? SandboxConfig { get; set; }

    /// <summary>True while the sandbox exists and its network is attached.</summary>
    public bool SandboxReady { get; set; }

    private volatile bool _checkSandbox;

    /// <summary>
    /// Set (by the runtime event watcher, from any thread) when a container of the pod ended: the next sync checks that
    /// the sandbox still runs, and replaces it when it died.
    /// </summary>
    public bool CheckSandbox
    {
        get => _checkSandbox;
        set => _checkSandbox = value;
    }

    private volatile string? _exitedSandboxId;

    /// <summary>
    /// The sandbox the runtime reported exited (set by the event watcher): the runtime's listings may still show it
    /// running for a moment after its exit event.
    /// </summary>
    public string? ExitedSandboxId
    {
        get => _exitedSandboxId;
        set => _exitedSandboxId = value;
    }

    private volatile bool _containersChanged = true;

    /// <summary>
    /// Set (by the runtime event watcher) when a container of the pod ended: the next sync reads the running containers'
    /// states from the runtime. Without it, and while the runtime's events flow, a sync trusts what it knows (the
    /// kubelet's evented PLEG), re-reading at least every resync interval.
    /// </summary>
    public bool ContainersChanged
    {
        get => _containersChanged;
        set => _containersChanged = value;
    }

    /// <summary>When the running containers' states were last read from the runtime.</summary>
    public DateTimeOffset ContainersReadAt { get; set; }

    /// <summary>When the sync next checks the sandbox without a signal (for runtimes without events, or lost events).</summary>
    public DateTimeOffset NextSandboxCheck { get; set; }

    public IReadOnlyList<string> PodIPs { get; set; } = [];

    public DateTimeOffset? StartTime { get; set; }

    /// <summary>The containers by name (init and app share the namespace of names).</summary>
    public Dictionary<string, ContainerRecord> Containers { get; } = new(StringComparer.Ordinal);

    /// <summary>Why the pod cannot get its sandbox yet (a volume problem); null when it can.</summary>
    public string? SandboxWaitingMessage { get; set; }

    /// <summary>Set when the agent failed the pod (deadline exceeded); its phase is then Failed with this reason.</summary>
    public string? FailedReason { get; set; }

    public string? FailedMessage { get; set; }

    /// <summary>True once the pod reached a terminal phase and its sandbox was stopped.</summary>
    public bool Finished { get; set; }

    /// <summary>The status last written (or read back), to skip writes that change nothing.</summary>
    public PodStatus? LastStatus { get; set; }

    /// <summary>The resourceVersion of <see cref="LastStatus"/>'s object, as a number.</summary>
    public long LastStatusVersion { get; set; }

    public DateTimeOffset LastStatusWrite { get; set; }

    /// <summary>
    /// True while the pod was just accepted and no status of the agent's was written yet: the first runtime call that
    /// does not complete at once writes Pending (ContainerCreating) with the start time first.
    /// </summary>
    public bool NeedsInitialStatus { get; set; }

    /// <summary>True once the startup latency of the pod was recorded.</summary>
    public bool StartupRecorded { get; set; }

    /// <summary>True while the last written phase was Running (for the running-pods gauge).</summary>
    public bool CountedRunning { get; set; }

    /// <summary>The objects whose appearance may unblock the pod.</summary>
    public HashSet<ConfigDependency> WaitingFor { get; } = [];

    public ContainerRecord Record(Container container, bool isInit)
    {
        if (!Containers.TryGetValue(container.Name, out var record))
        {
            record = new ContainerRecord(container.Name, isInit);
            Containers.Add(container.Name, record);
        }
        return record;
    }
}

/// <summary>What an agent knows about one container of a pod across its restarts.</summary>
internal sealed class ContainerRecord(string name, bool isInit)
{
    public string Name { get; } = name;

    public bool IsInit { get; } = isInit;

    /// <summary>The newest runtime instance, as last observed; null before the first was created.</summary>
    public RuntimeContainerStatus? Current { get; set; }

    /// <summary>The number of restarts (the restart count of <see cref="Current"/>).</summary>
    public int RestartCount { get; set; }

    /// <summary>How the previous instance ended (<c>lastState</c>).</summary>
    public ContainerStateTerminated? LastTermination { get; set; }

    /// <summary>Why no instance runs, when the agent knows better than the runtime (<c>ErrImagePull</c>, <c>CrashLoopBackOff</c>, ...).</summary>
    public ContainerStateWaiting? Waiting { get; set; }

    public BackOff CrashBackOff { get; } = new();

    public BackOff PullBackOff { get; } = new();

    /// <summary>When the last image pull failed, for the pull back-off.</summary>
    public DateTimeOffset LastPullFailure { get; set; }

    /// <summary>Probe results of <see cref="Current"/>; replaced when a new instance starts.</summary>
    public ProbeTracker? Probes { get; set; }

    /// <summary>True once the postStart hook of <see cref="Current"/> ran (or it has none).</summary>
    public string? PostStartDoneFor { get; set; }
}
