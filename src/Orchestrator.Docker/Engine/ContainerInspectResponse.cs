using System.Text.Json.Serialization;

namespace Orchestrator.Docker.Engine;

/// <summary>GET /containers/{id}/json: a container's full state.</summary>
internal sealed record ContainerInspectResponse
{
    public required string Id { get; init; }

    /// <summary>The name with the engine's leading slash, e.g. <c>/web</c>.</summary>
    public string? Name { get; init; }

    [JsonConverter(typeof(DockerTimestampConverter))]
    public DateTimeOffset? Created { get; init; }

    /// <summary>The image id (<c>sha256:…</c>) the container runs; <see cref="DockerContainerConfig.Image"/> is the name asked for.</summary>
    public string? Image { get; init; }

    public int RestartCount { get; init; }
    public DockerContainerState State { get; init; } = new();
    public DockerContainerConfig Config { get; init; } = new();
    public DockerHostConfig? HostConfig { get; init; }
    public DockerNetworkSettings NetworkSettings { get; init; } = new();
}

/// <summary>A container's run state. Times are <see langword="null"/> until the container first started or exited.</summary>
internal sealed record DockerContainerState
{
    /// <summary><c>created</c>, <c>running</c>, <c>paused</c>, <c>restarting</c>, <c>removing</c>, <c>exited</c> or <c>dead</c>.</summary>
    public string? Status { get; init; }

    public bool Running { get; init; }
    public bool Paused { get; init; }
    public bool Restarting { get; init; }
    public bool OOMKilled { get; init; }
    public bool Dead { get; init; }

    /// <summary>The main process's host PID while running, else 0.</summary>
    public int Pid { get; init; }

    public int ExitCode { get; init; }

    /// <summary>Why the engine could not start the process (e.g. executable not found); empty otherwise.</summary>
    public string? Error { get; init; }

    [JsonConverter(typeof(DockerTimestampConverter))]
    public DateTimeOffset? StartedAt { get; init; }

    [JsonConverter(typeof(DockerTimestampConverter))]
    public DateTimeOffset? FinishedAt { get; init; }
}

/// <summary>The configuration a container was created with (image defaults merged in).</summary>
internal sealed record DockerContainerConfig
{
    public string? Image { get; init; }
    public string? Hostname { get; init; }
    public string? User { get; init; }
    public string? WorkingDir { get; init; }
    public bool Tty { get; init; }
    public IReadOnlyList<string>? Env { get; init; }
    public IReadOnlyList<string>? Cmd { get; init; }
    public IReadOnlyList<string>? Entrypoint { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

/// <summary>A container's addresses: on the default bridge (<see cref="IPAddress"/>) and on every attached network.</summary>
internal sealed record DockerNetworkSettings
{
    /// <summary>The address on the default <c>bridge</c> network; empty on other networks.</summary>
    public string? IPAddress { get; init; }

    public string? Gateway { get; init; }
    public string? MacAddress { get; init; }
    public string? SandboxKey { get; init; }
    public IReadOnlyDictionary<string, DockerEndpointSettings>? Networks { get; init; }
    public IReadOnlyDictionary<string, IReadOnlyList<DockerPortBinding>?>? Ports { get; init; }
}
