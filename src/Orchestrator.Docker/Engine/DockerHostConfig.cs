namespace Orchestrator.Docker.Engine;

/// <summary>
/// A container's host-side settings: namespaces shared with other containers, mounts, ports, resources, DNS,
/// capabilities. Defaults suit a node agent that restarts containers itself: restart policy <c>no</c>, no auto-remove.
/// </summary>
internal sealed record DockerHostConfig
{
    /// <summary><c>bridge</c>, <c>host</c>, <c>none</c>, a network name, or <c>container:&lt;id&gt;</c> to join a sandbox.</summary>
    public string? NetworkMode { get; init; }

    /// <summary><c>private</c>, <c>shareable</c>, <c>host</c> or <c>container:&lt;id&gt;</c>.</summary>
    public string? IpcMode { get; init; }

    /// <summary>Empty (own namespace), <c>host</c> or <c>container:&lt;id&gt;</c>.</summary>
    public string? PidMode { get; init; }

    public string? UTSMode { get; init; }

    /// <summary><c>host-path:container-path[:ro]</c> entries.</summary>
    public IReadOnlyList<string>? Binds { get; init; }

    /// <summary>Container port (<c>80/tcp</c>) to host bindings.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<DockerPortBinding>>? PortBindings { get; init; }

    /// <summary>CPU limit in units of 10⁻⁹ CPUs; 0 is unlimited.</summary>
    public long NanoCpus { get; init; }

    /// <summary>Memory limit in bytes; 0 is unlimited.</summary>
    public long Memory { get; init; }

    /// <summary>Relative CPU weight (cgroup shares); 0 means the engine's default (1024).</summary>
    public long CpuShares { get; init; }

    /// <summary>Soft memory limit in bytes (the memory request); 0 is none.</summary>
    public long MemoryReservation { get; init; }

    /// <summary>Memory plus swap in bytes; equal to <see cref="Memory"/> forbids swap, 0 is the engine's default.</summary>
    public long MemorySwap { get; init; }

    /// <summary>Extra groups (names or GIDs) of the container's process.</summary>
    public IReadOnlyList<string>? GroupAdd { get; init; }

    public DockerRestartPolicy RestartPolicy { get; init; } = DockerRestartPolicy.No;

    /// <summary><c>host:ip</c> entries added to the container's /etc/hosts.</summary>
    public IReadOnlyList<string>? ExtraHosts { get; init; }

    public IReadOnlyList<string>? Dns { get; init; }
    public IReadOnlyList<string>? DnsSearch { get; init; }
    public IReadOnlyList<string>? DnsOptions { get; init; }

    /// <summary>Run an init process (tini) as PID 1 that reaps zombies and forwards signals.</summary>
    public bool? Init { get; init; }

    public IReadOnlyList<string>? CapAdd { get; init; }
    public IReadOnlyList<string>? CapDrop { get; init; }
    public bool Privileged { get; init; }
    public bool ReadonlyRootfs { get; init; }

    /// <summary>Always <see langword="false"/> for managed containers: their exit status must stay readable.</summary>
    public bool AutoRemove { get; init; }

    public long? ShmSize { get; init; }
    public IReadOnlyDictionary<string, string>? Sysctls { get; init; }
    public IReadOnlyList<string>? SecurityOpt { get; init; }

    /// <summary>tmpfs mount path to options (e.g. <c>size=64m</c>).</summary>
    public IReadOnlyDictionary<string, string>? Tmpfs { get; init; }

    /// <summary>The log driver; the engine's default (usually <c>json-file</c>) when null.</summary>
    public DockerLogConfig? LogConfig { get; init; }
}

/// <summary>A container's log driver (<c>json-file</c>, <c>local</c>, <c>none</c>, …) and its options.</summary>
internal sealed record DockerLogConfig(string Type, IReadOnlyDictionary<string, string>? Config = null)
{
    /// <summary>No logs at all (for containers whose output nobody reads).</summary>
    public static readonly DockerLogConfig None = new("none");
}

/// <summary>A host address and port a container port is published on; empty means any address or a free port.</summary>
internal sealed record DockerPortBinding(string? HostIp, string? HostPort);

/// <summary>What the engine does when the container exits: <c>no</c>, <c>always</c>, <c>unless-stopped</c>, <c>on-failure</c>.</summary>
internal sealed record DockerRestartPolicy(string Name, int MaximumRetryCount = 0)
{
    public static readonly DockerRestartPolicy No = new("no");
}
