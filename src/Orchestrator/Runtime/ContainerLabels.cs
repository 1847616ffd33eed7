namespace Orchestrator.Runtime;

/// <summary>
/// The well-known labels the node agent puts on every sandbox and container it creates. They are the only link between
/// runtime objects and API objects: after a restart the agent lists by <see cref="NodeName"/> and adopts what it finds.
/// Runtimes store them unchanged (Docker as container labels) and must not interpret them.
/// </summary>
public static class ContainerLabels
{
    /// <summary>The node (agent) that owns the sandbox or container; lets several agents share one runtime.</summary>
    public const string NodeName = "io.orchestrator.node.name";

    /// <summary>The uid of the pod (<c>metadata.uid</c>).</summary>
    public const string PodUid = "io.orchestrator.pod.uid";

    /// <summary>The pod name.</summary>
    public const string PodName = "io.orchestrator.pod.name";

    /// <summary>The pod namespace.</summary>
    public const string PodNamespace = "io.orchestrator.pod.namespace";

    /// <summary>The container name from the pod spec (containers only).</summary>
    public const string ContainerName = "io.orchestrator.container.name";

    /// <summary>How many times this container had restarted when this instance was created, as a decimal string (containers only).</summary>
    public const string RestartCount = "io.orchestrator.container.restart-count";

    /// <summary><c>init</c> for init containers, <c>app</c> for application containers (containers only).</summary>
    public const string ContainerKind = "io.orchestrator.container.kind";

    /// <summary>A hash of the container's spec; when the spec changes (a new image) the agent replaces the container.</summary>
    public const string ContainerHash = "io.orchestrator.container.hash";

    /// <summary>The sandbox attempt number, as a decimal string (sandboxes only).</summary>
    public const string SandboxAttempt = "io.orchestrator.sandbox.attempt";

    /// <summary>The value of <see cref="ContainerKind"/> for init containers.</summary>
    public const string InitKind = "init";

    /// <summary>The value of <see cref="ContainerKind"/> for application containers.</summary>
    public const string AppKind = "app";
}
