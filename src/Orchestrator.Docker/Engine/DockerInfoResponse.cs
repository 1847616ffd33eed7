namespace Orchestrator.Docker.Engine;

/// <summary>GET /info: the engine's host capacity and identity (the fields a node needs).</summary>
internal sealed record DockerInfoResponse
{
    public string? ID { get; init; }
    public string? Name { get; init; }
    public int NCPU { get; init; }
    public long MemTotal { get; init; }
    public string? ServerVersion { get; init; }
    public string? OperatingSystem { get; init; }
    public string? OSType { get; init; }
    public string? Architecture { get; init; }
    public string? KernelVersion { get; init; }
    public int Containers { get; init; }
    public int ContainersRunning { get; init; }
    public int Images { get; init; }
    public string? DockerRootDir { get; init; }
    public string? Driver { get; init; }
    public string? CgroupDriver { get; init; }
    public string? CgroupVersion { get; init; }
}
