using System.Text.Json.Serialization;

namespace Orchestrator.Docker.Engine;

/// <summary>
/// GET /containers/{id}/stats?stream=false&amp;one-shot=true: one sample of cumulative CPU time and current memory.
/// CPU use as a rate needs two samples: (Δ total usage) / (Δ wall time).
/// </summary>
internal sealed record ContainerStatsResponse
{
    [JsonPropertyName("read")]
    [JsonConverter(typeof(DockerTimestampConverter))]
    public DateTimeOffset? Read { get; init; }

    [JsonPropertyName("cpu_stats")]
    public DockerCpuStats CpuStats { get; init; } = new();

    [JsonPropertyName("memory_stats")]
    public DockerMemoryStats MemoryStats { get; init; } = new();

    [JsonPropertyName("pids_stats")]
    public DockerPidsStats? PidsStats { get; init; }
}

/// <summary>Cumulative CPU time of a container and of the host.</summary>
internal sealed record DockerCpuStats
{
    [JsonPropertyName("cpu_usage")]
    public DockerCpuUsage CpuUsage { get; init; } = new();

    /// <summary>Host CPU time in nanoseconds (all CPUs); absent on Windows.</summary>
    [JsonPropertyName("system_cpu_usage")]
    public ulong SystemCpuUsage { get; init; }

    [JsonPropertyName("online_cpus")]
    public int OnlineCpus { get; init; }
}

/// <summary>A container's cumulative CPU time in nanoseconds.</summary>
internal sealed record DockerCpuUsage
{
    [JsonPropertyName("total_usage")]
    public ulong TotalUsage { get; init; }

    [JsonPropertyName("usage_in_kernelmode")]
    public ulong UsageInKernelmode { get; init; }

    [JsonPropertyName("usage_in_usermode")]
    public ulong UsageInUsermode { get; init; }
}

/// <summary>A container's memory: usage including page cache, the limit, and cgroup detail counters.</summary>
internal sealed record DockerMemoryStats
{
    [JsonPropertyName("usage")]
    public ulong Usage { get; init; }

    [JsonPropertyName("max_usage")]
    public ulong MaxUsage { get; init; }

    [JsonPropertyName("limit")]
    public ulong Limit { get; init; }

    [JsonPropertyName("stats")]
    public IReadOnlyDictionary<string, ulong>? Stats { get; init; }

    /// <summary>
    /// Usage without inactive page cache, the figure Kubernetes and <c>docker stats</c> report
    /// (cgroup v1 <c>total_inactive_file</c>, v2 <c>inactive_file</c>).
    /// </summary>
    [JsonIgnore]
    public ulong WorkingSet
    {
        get
        {
            ulong inactive = 0;
            if (Stats is not null && !Stats.TryGetValue("total_inactive_file", out inactive))
                Stats.TryGetValue("inactive_file", out inactive);
            return inactive < Usage ? Usage - inactive : Usage;
        }
    }
}

/// <summary>The number of processes in the container.</summary>
internal sealed record DockerPidsStats
{
    [JsonPropertyName("current")]
    public ulong Current { get; init; }
}
