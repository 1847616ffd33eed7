namespace Orchestrator.Api;

/// <summary>Values of <c>status.phase</c> of a pod.</summary>
public static class PodPhase
{
    /// <summary>Accepted, but not every container has started (including while unscheduled or pulling images).</summary>
    public const string Pending = "Pending";

    /// <summary>Bound to a node, every container created and at least one running or restarting.</summary>
    public const string Running = "Running";

    /// <summary>Every container exited successfully and will not be restarted.</summary>
    public const string Succeeded = "Succeeded";

    /// <summary>Every container exited and at least one failed (or the system terminated it).</summary>
    public const string Failed = "Failed";

    /// <summary>The state could not be obtained, typically because the node is unreachable.</summary>
    public const string Unknown = "Unknown";
}

/// <summary>Values of a pod's <c>spec.restartPolicy</c>.</summary>
public static class RestartPolicy
{
    /// <summary>Restart every exited container (the default).</summary>
    public const string Always = "Always";

    /// <summary>Restart containers that exited with a non-zero code.</summary>
    public const string OnFailure = "OnFailure";

    /// <summary>Never restart containers.</summary>
    public const string Never = "Never";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [Always, OnFailure, Never];
}

/// <summary>Values of a condition's <c>status</c>.</summary>
public static class ConditionStatus
{
    /// <summary>The condition holds.</summary>
    public const string True = "True";

    /// <summary>The condition does not hold.</summary>
    public const string False = "False";

    /// <summary>It is not known whether the condition holds.</summary>
    public const string Unknown = "Unknown";
}

/// <summary>Built-in pod condition types.</summary>
public static class PodConditionType
{
    /// <summary>The pod is bound to a node.</summary>
    public const string PodScheduled = "PodScheduled";

    /// <summary>Every init container succeeded.</summary>
    public const string Initialized = "Initialized";

    /// <summary>Every container is ready.</summary>
    public const string ContainersReady = "ContainersReady";

    /// <summary>The pod can serve requests and is added to service endpoints.</summary>
    public const string Ready = "Ready";

    /// <summary>The pod is about to be terminated by the system (preemption, eviction, taint).</summary>
    public const string DisruptionTarget = "DisruptionTarget";
}

/// <summary>Values of a container's <c>imagePullPolicy</c>.</summary>
public static class PullPolicy
{
    /// <summary>Pull on every start.</summary>
    public const string Always = "Always";

    /// <summary>Pull only when the image is missing on the node.</summary>
    public const string IfNotPresent = "IfNotPresent";

    /// <summary>Never pull; fail when the image is missing.</summary>
    public const string Never = "Never";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [Always, IfNotPresent, Never];
}

/// <summary>Values of a pod's <c>spec.dnsPolicy</c>.</summary>
public static class DnsPolicy
{
    /// <summary>Cluster DNS first, then the node's upstream servers (the default).</summary>
    public const string ClusterFirst = "ClusterFirst";

    /// <summary><see cref="ClusterFirst"/> for host-network pods too.</summary>
    public const string ClusterFirstWithHostNet = "ClusterFirstWithHostNet";

    /// <summary>The node's DNS configuration.</summary>
    public const string Default = "Default";

    /// <summary>Only <c>spec.dnsConfig</c>.</summary>
    public const string None = "None";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [ClusterFirst, ClusterFirstWithHostNet, Default, None];
}

/// <summary>Network protocols of ports.</summary>
public static class Protocol
{
    /// <summary>TCP (the default).</summary>
    public const string Tcp = "TCP";

    /// <summary>UDP.</summary>
    public const string Udp = "UDP";

    /// <summary>SCTP.</summary>
    public const string Sctp = "SCTP";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [Tcp, Udp, Sctp];
}

/// <summary>Values of a container's <c>terminationMessagePolicy</c>.</summary>
public static class TerminationMessagePolicy
{
    /// <summary>Read the message from the termination message file (the default).</summary>
    public const string File = "File";

    /// <summary>Use the tail of the log when the file is empty and the container failed.</summary>
    public const string FallbackToLogsOnError = "FallbackToLogsOnError";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [File, FallbackToLogsOnError];
}

/// <summary>Values of a pod's <c>status.qosClass</c>.</summary>
public static class PodQosClass
{
    /// <summary>Every container has equal CPU and memory requests and limits.</summary>
    public const string Guaranteed = "Guaranteed";

    /// <summary>At least one container has a CPU or memory request or limit.</summary>
    public const string Burstable = "Burstable";

    /// <summary>No container has CPU or memory requests or limits.</summary>
    public const string BestEffort = "BestEffort";
}

/// <summary>Names of the standard compute resources.</summary>
public static class ResourceName
{
    /// <summary>CPU, in cores (<c>500m</c> is half a core).</summary>
    public const string Cpu = "cpu";

    /// <summary>Memory, in bytes.</summary>
    public const string Memory = "memory";

    /// <summary>Local ephemeral storage, in bytes.</summary>
    public const string EphemeralStorage = "ephemeral-storage";

    /// <summary>The number of pods a node can run.</summary>
    public const string Pods = "pods";

    /// <summary>Requested storage of a claim, in bytes.</summary>
    public const string Storage = "storage";
}
