namespace Orchestrator.Docker.Engine;

/// <summary>
/// Where and how to reach one Docker engine. Every property is optional: what is left unset is discovered the way the
/// docker CLI does it, in this order: <see cref="Host"/>; the <c>DOCKER_HOST</c> environment variable (with
/// <c>DOCKER_CERT_PATH</c> and <c>DOCKER_TLS_VERIFY</c>); the current context (<c>DOCKER_CONTEXT</c>, else
/// <c>currentContext</c> in <c>config.json</c> of the Docker configuration directory); and last the platform's default
/// sockets (<c>unix:///var/run/docker.sock</c>, the rootless and Docker Desktop sockets, or
/// <c>npipe:////./pipe/docker_engine</c> on Windows), of which the first that answers is used.
/// </summary>
/// <remarks>
/// An explicit host, <c>DOCKER_HOST</c> or a context is used alone: when it does not answer, connecting fails rather
/// than silently falling back to another engine. The failure lists every endpoint tried and what each one said.
/// </remarks>
public sealed record DockerEndpointOptions
{
    /// <summary>
    /// The engine's address: <c>unix:///path/to/docker.sock</c>, <c>tcp://host:port</c> (TLS when
    /// <see cref="TlsCertificatePath"/> is set), or <c>npipe:////./pipe/name</c>. <see langword="null"/> discovers it.
    /// </summary>
    public string? Host { get; init; }

    /// <summary>
    /// For a <c>tcp://</c> <see cref="Host"/>: a folder holding <c>ca.pem</c>, <c>cert.pem</c> and <c>key.pem</c> (the
    /// layout of <c>DOCKER_CERT_PATH</c>); the client authenticates with <c>cert.pem</c>/<c>key.pem</c>.
    /// <see langword="null"/> means plain HTTP. Ignored when <see cref="Host"/> is <see langword="null"/>.
    /// </summary>
    public string? TlsCertificatePath { get; init; }

    /// <summary>
    /// Whether the engine's certificate must chain to <c>ca.pem</c> and match the host name. Defaults to
    /// <see langword="true"/>; turning it off accepts any server certificate. Ignored without
    /// <see cref="TlsCertificatePath"/>.
    /// </summary>
    public bool TlsVerify { get; init; } = true;

    /// <summary>
    /// The Docker configuration directory that holds <c>config.json</c> and <c>contexts/</c>.
    /// <see langword="null"/> means <c>DOCKER_CONFIG</c>, else <c>~/.docker</c>.
    /// </summary>
    public string? ConfigDirectory { get; init; }

    /// <summary>
    /// How long to wait for a connection to an endpoint, and for its first answer while connecting. Defaults to 10 s.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
