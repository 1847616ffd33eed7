namespace Orchestrator.Docker.Engine;

/// <summary>
/// POST /containers/create body. Properties left <see langword="null"/> are not sent, so the image's defaults apply
/// (e.g. <see cref="Cmd"/> and <see cref="Entrypoint"/>). The container's name is a query parameter, passed separately.
/// </summary>
internal sealed record ContainerCreateRequest
{
    public required string Image { get; init; }
    public IReadOnlyList<string>? Cmd { get; init; }
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary><c>NAME=value</c> entries.</summary>
    public IReadOnlyList<string>? Env { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    public string? Hostname { get; init; }
    public string? Domainname { get; init; }

    /// <summary>Keys like <c>80/tcp</c>; the engine wants an empty object as each value.</summary>
    public IReadOnlyDictionary<string, DockerEmptyObject>? ExposedPorts { get; init; }

    public bool Tty { get; init; }
    public bool OpenStdin { get; init; }
    public bool StdinOnce { get; init; }
    public string? StopSignal { get; init; }

    /// <summary>Seconds the engine waits after <see cref="StopSignal"/> before SIGKILL on a plain stop.</summary>
    public int? StopTimeout { get; init; }

    public DockerHostConfig HostConfig { get; init; } = new();
    public DockerNetworkingConfig? NetworkingConfig { get; init; }

    /// <summary>Builds <see cref="ExposedPorts"/> from <c>(port, protocol)</c> pairs.</summary>
    public static IReadOnlyDictionary<string, DockerEmptyObject> Ports(params IEnumerable<(int Port, string Protocol)> ports) =>
        ports.ToDictionary(p => $"{p.Port}/{p.Protocol.ToLowerInvariant()}", _ => DockerEmptyObject.Instance);
}

/// <summary>The JSON <c>{}</c> the engine expects as a set member (exposed ports, volumes).</summary>
internal sealed record DockerEmptyObject
{
    public static readonly DockerEmptyObject Instance = new();
}

/// <summary>Networks to attach at creation: network name or id to endpoint settings (e.g. aliases).</summary>
internal sealed record DockerNetworkingConfig
{
    public IReadOnlyDictionary<string, DockerEndpointSettings> EndpointsConfig { get; init; } =
        new Dictionary<string, DockerEndpointSettings>();
}

/// <summary>POST /containers/create and POST /exec answers: the new object's id.</summary>
internal sealed record DockerIdResponse
{
    public required string Id { get; init; }
    public IReadOnlyList<string>? Warnings { get; init; }
}
