using System.Collections.Immutable;
using Orchestrator.Api;

namespace Orchestrator.Runtime;

/// <summary>
/// Describes a runtime and the machine its containers run on (<see cref="IContainerRuntime.GetInfoAsync"/>); the agent
/// copies it into the Node's <c>status.nodeInfo</c> and <c>status.capacity</c>.
/// </summary>
public sealed record RuntimeInfo
{
    /// <summary>The runtime's name, for example <c>docker</c> or <c>simulated</c>; the scheme of container ids (<c>docker://…</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The runtime's version.</summary>
    public required string Version { get; init; }

    /// <summary>The operating system containers run on: <c>linux</c> or <c>windows</c>.</summary>
    public string OperatingSystem { get; init; } = "linux";

    /// <summary>The CPU architecture, for example <c>amd64</c> or <c>arm64</c>.</summary>
    public string Architecture { get; init; } = "amd64";

    /// <summary>The kernel version, if known.</summary>
    public string KernelVersion { get; init; } = "";

    /// <summary>A human-readable description of the OS image, if known.</summary>
    public string OsImage { get; init; } = "";

    /// <summary>
    /// What the machine offers, keyed by resource name (<c>cpu</c>, <c>memory</c>, <c>ephemeral-storage</c>, <c>pods</c>).
    /// The agent may override it with its configured capacity.
    /// </summary>
    public IReadOnlyDictionary<string, Quantity> Capacity { get; init; } = ImmutableDictionary<string, Quantity>.Empty;
}
