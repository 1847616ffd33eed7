namespace Orchestrator.Runtime;

/// <summary>
/// Optional runtime capability: resource usage of running containers, for the metrics pipeline and the
/// HorizontalPodAutoscaler.
/// </summary>
public interface IContainerStats
{
    /// <summary>
    /// Current usage of a running container, or null when it does not exist or is not running. The CPU rate is averaged
    /// over a short runtime-specific window ending at <see cref="ContainerStats.Timestamp"/>.
    /// </summary>
    ValueTask<ContainerStats?> GetStatsAsync(string containerId, CancellationToken cancellationToken = default);
}

/// <summary>Resource usage of one container at one moment.</summary>
/// <param name="ContainerId">The container.</param>
/// <param name="Timestamp">When it was measured.</param>
/// <param name="CpuNanoCores">CPU usage rate in billionths of a core (250m = 250,000,000).</param>
/// <param name="MemoryWorkingSetBytes">Memory in active use, the figure Kubernetes compares with limits and HPA targets.</param>
public sealed record ContainerStats(string ContainerId, DateTimeOffset Timestamp, long CpuNanoCores, long MemoryWorkingSetBytes);
