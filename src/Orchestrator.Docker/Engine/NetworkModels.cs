namespace Orchestrator.Docker.Engine;

/// <summary>POST /networks/create body.</summary>
internal sealed record NetworkCreateRequest
{
    public required string Name { get; init; }
    public string Driver { get; init; } = "bridge";
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public DockerIpam? IPAM { get; init; }

    /// <summary>No route out of the network.</summary>
    public bool Internal { get; init; }

    public bool Attachable { get; init; }

    /// <summary>Refuse to create a second network with the same name (names are not unique otherwise).</summary>
    public bool CheckDuplicate { get; init; } = true;

    /// <summary>Driver options, e.g. <c>com.docker.network.bridge.name</c>.</summary>
    public IReadOnlyDictionary<string, string>? Options { get; init; }
}

/// <summary>A network's address management: the driver and its pools.</summary>
internal sealed record DockerIpam
{
    public string? Driver { get; init; }
    public IReadOnlyList<DockerIpamPool>? Config { get; init; }
}

/// <summary>One address pool of a network.</summary>
internal sealed record DockerIpamPool
{
    public string? Subnet { get; init; }
    public string? IPRange { get; init; }
    public string? Gateway { get; init; }
}

/// <summary>POST /networks/create answer.</summary>
internal sealed record NetworkCreateResponse
{
    public required string Id { get; init; }
    public string? Warning { get; init; }
}

/// <summary>GET /networks/{id} and the entries of GET /networks.</summary>
internal sealed record NetworkResponse
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public string? Driver { get; init; }
    public string? Scope { get; init; }
    public bool Internal { get; init; }
    public DockerIpam? IPAM { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public IReadOnlyDictionary<string, string>? Options { get; init; }

    /// <summary>Attached containers by id (filled by inspect; empty in lists).</summary>
    public IReadOnlyDictionary<string, NetworkContainer>? Containers { get; init; }
}

/// <summary>A container's endpoint as its network reports it.</summary>
internal sealed record NetworkContainer
{
    public string? Name { get; init; }
    public string? EndpointID { get; init; }
    public string? MacAddress { get; init; }

    /// <summary>CIDR form, e.g. <c>10.232.0.2/24</c>.</summary>
    public string? IPv4Address { get; init; }

    public string? IPv6Address { get; init; }
}

/// <summary>POST /networks/{id}/connect body.</summary>
internal sealed record NetworkConnectRequest
{
    public required string Container { get; init; }
    public DockerEndpointSettings? EndpointConfig { get; init; }
}

/// <summary>POST /networks/{id}/disconnect body.</summary>
internal sealed record NetworkDisconnectRequest
{
    public required string Container { get; init; }
    public bool Force { get; init; }
}
