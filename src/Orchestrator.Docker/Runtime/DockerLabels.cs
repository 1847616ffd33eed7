namespace Orchestrator.Docker.Runtime;

/// <summary>
/// The labels the Docker runtime adds to what it creates, besides the node agent's <see cref="Orchestrator.Runtime.ContainerLabels"/>:
/// ownership (the cluster id), the role of a container (sandbox or application container) and what the runtime must
/// find again after a restart of the process (the sandbox of a container, host directories). Everything the runtime
/// lists or reaps is filtered on <see cref="ClusterId"/>, so clusters with different ids share an engine safely.
/// </summary>
public static class DockerLabels
{
    /// <summary>The <see cref="Hosting.DockerRuntimeOptions.ClusterId"/> of the cluster that created the container or network.</summary>
    public const string ClusterId = "io.orchestrator.docker.cluster-id";

    /// <summary><see cref="SandboxRole"/> or <see cref="ContainerRole"/>.</summary>
    public const string Role = "io.orchestrator.docker.role";

    /// <summary>The value of <see cref="Role"/> for a pod sandbox (the container holding the pod's namespaces).</summary>
    public const string SandboxRole = "sandbox";

    /// <summary>The value of <see cref="Role"/> for an application or init container of a pod.</summary>
    public const string ContainerRole = "container";

    /// <summary>On application containers: the id of the sandbox whose namespaces they join.</summary>
    public const string SandboxId = "io.orchestrator.docker.sandbox-id";

    /// <summary>On sandboxes: the host directory holding the sandbox's volumes and termination-message files.</summary>
    public const string SandboxDirectory = "io.orchestrator.docker.sandbox-dir";

    /// <summary>On sandboxes: the host directory of the sandbox's in-memory volumes (Secrets, <c>emptyDir</c> with <c>medium: Memory</c>).</summary>
    public const string SandboxMemoryDirectory = "io.orchestrator.docker.sandbox-memory-dir";

    /// <summary>On sandboxes: the pod's volumes as JSON (name → host path and read-only flag); paths only, never contents.</summary>
    public const string Volumes = "io.orchestrator.docker.volumes";

    /// <summary>On application containers: the host file bind-mounted at the container's termination-message path.</summary>
    public const string TerminationMessageFile = "io.orchestrator.docker.termination-message-file";

    /// <summary>On networks: marks a network the runtime created (and may remove when the cluster is purged).</summary>
    public const string Managed = "io.orchestrator.docker.managed";
}
