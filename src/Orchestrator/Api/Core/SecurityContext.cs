namespace Orchestrator.Api;

/// <summary>Security settings of one container (Kubernetes <c>SecurityContext</c>); they override the pod's.</summary>
public sealed record SecurityContext
{
    /// <summary>The UID the container process runs as.</summary>
    public long? RunAsUser { get; init; }

    /// <summary>The GID the container process runs as.</summary>
    public long? RunAsGroup { get; init; }

    /// <summary>Refuse to start the container if its user is root.</summary>
    public bool? RunAsNonRoot { get; init; }

    /// <summary>Run privileged.</summary>
    public bool? Privileged { get; init; }

    /// <summary>Mount the root filesystem read-only.</summary>
    public bool? ReadOnlyRootFilesystem { get; init; }

    /// <summary>Whether the process may gain more privileges than its parent.</summary>
    public bool? AllowPrivilegeEscalation { get; init; }

    /// <summary>Linux capabilities to add and drop.</summary>
    public Capabilities? Capabilities { get; init; }

    /// <summary>The seccomp profile.</summary>
    public SeccompProfile? SeccompProfile { get; init; }

    /// <summary>The proc mount type: <c>Default</c> or <c>Unmasked</c>.</summary>
    public string? ProcMount { get; init; }
}

/// <summary>Security settings shared by every container of a pod (Kubernetes <c>PodSecurityContext</c>).</summary>
public sealed record PodSecurityContext
{
    /// <summary>The default UID of container processes.</summary>
    public long? RunAsUser { get; init; }

    /// <summary>The default GID of container processes.</summary>
    public long? RunAsGroup { get; init; }

    /// <summary>Refuse to start containers whose user is root.</summary>
    public bool? RunAsNonRoot { get; init; }

    /// <summary>The group that owns volumes and is added to every container process.</summary>
    public long? FsGroup { get; init; }

    /// <summary><c>OnRootMismatch</c> or <c>Always</c>.</summary>
    public string? FsGroupChangePolicy { get; init; }

    /// <summary>Extra groups added to every container process.</summary>
    public IReadOnlyList<long> SupplementalGroups { get; init; } = [];

    /// <summary>The default seccomp profile.</summary>
    public SeccompProfile? SeccompProfile { get; init; }

    /// <summary>Namespaced sysctls set for the pod.</summary>
    public IReadOnlyList<Sysctl> Sysctls { get; init; } = [];
}

/// <summary>Linux capabilities (Kubernetes <c>Capabilities</c>).</summary>
public sealed record Capabilities
{
    /// <summary>Capabilities to add, for example <c>NET_ADMIN</c>.</summary>
    public IReadOnlyList<string> Add { get; init; } = [];

    /// <summary>Capabilities to drop, for example <c>ALL</c>.</summary>
    public IReadOnlyList<string> Drop { get; init; } = [];
}

/// <summary>A seccomp profile (Kubernetes <c>SeccompProfile</c>).</summary>
public sealed record SeccompProfile
{
    /// <summary><c>RuntimeDefault</c>, <c>Unconfined</c> or <c>Localhost</c>.</summary>
    public string Type { get; init; } = "";

    /// <summary>The profile file on the node, for <c>Localhost</c>.</summary>
    public string? LocalhostProfile { get; init; }
}

/// <summary>A kernel parameter (Kubernetes <c>Sysctl</c>).</summary>
public sealed record Sysctl
{
    /// <summary>The parameter name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The value.</summary>
    public string Value { get; init; } = "";
}
