namespace Orchestrator.Docker.Engine;

/// <summary>
/// A container's attachment to one network: what to ask for when connecting (aliases, a fixed address) and what the
/// engine reports back in inspect (address, gateway, MAC).
/// </summary>
internal sealed record DockerEndpointSettings
{
    public DockerEndpointIpamConfig? IPAMConfig { get; init; }
    public IReadOnlyList<string>? Aliases { get; init; }
    public string? NetworkID { get; init; }
    public string? EndpointID { get; init; }
    public string? Gateway { get; init; }
    public string? IPAddress { get; init; }
    public int IPPrefixLen { get; init; }
    public string? MacAddress { get; init; }
}

/// <summary>A fixed address requested for an endpoint.</summary>
internal sealed record DockerEndpointIpamConfig
{
    public string? IPv4Address { get; init; }
    public string? IPv6Address { get; init; }
}
