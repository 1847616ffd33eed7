namespace Orchestrator.Docker.Engine;

/// <summary>One engine address to try, with where it came from (for error messages) and its TLS settings.</summary>
/// <param name="Host">The parsed address (<c>unix</c>, <c>npipe</c>, <c>tcp</c>, <c>http</c> or <c>https</c> scheme).</param>
/// <param name="Source">Where the address came from, e.g. <c>DOCKER_HOST</c> or <c>context "remote"</c>.</param>
/// <param name="Tls">TLS settings for <c>tcp://</c> and <c>https://</c> hosts; <see langword="null"/> means plain HTTP.</param>
internal sealed record DockerEndpoint(Uri Host, string Source, DockerTlsSettings? Tls = null)
{
    /// <summary>The address as the docker CLI writes it, e.g. <c>unix:///var/run/docker.sock</c>.</summary>
    public string Address => Host.Scheme switch
    {
        "unix" => "unix://" + Host.AbsolutePath,
        "npipe" => "npipe:////./pipe/" + PipeName,
        _ => Host.GetLeftPart(UriPartial.Authority),
    };

    /// <summary>The socket path of a <c>unix://</c> host.</summary>
    public string UnixSocketPath => Uri.UnescapeDataString(Host.AbsolutePath);

    /// <summary>The pipe name of an <c>npipe:////./pipe/NAME</c> host (kept as <c>npipe://localhost/NAME</c>).</summary>
    public string PipeName => Uri.UnescapeDataString(Host.AbsolutePath).TrimStart('/');

    /// <summary>Whether requests go through TLS.</summary>
    public bool UsesTls => Host.Scheme == "https" || (Host.Scheme == "tcp" && Tls is not null);

    /// <summary>
    /// Parses a docker host string (<c>unix:///p</c>, <c>npipe:////./pipe/n</c>, <c>tcp://h:p</c>, <c>http(s)://h:p</c>).
    /// </summary>
    /// <exception cref="FormatException">The string is not a host the client can reach (e.g. <c>ssh://</c>).</exception>
    public static DockerEndpoint Parse(string host, string source, DockerTlsSettings? tls = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        string text = host.Trim();
        if (text.StartsWith('/'))
            text = "unix://" + text;
        if (text.StartsWith("npipe://", StringComparison.OrdinalIgnoreCase))
        {
            // npipe:////./pipe/docker_engine (or npipe://./pipe/…): only local pipes; Uri would drop the "./" segment.
            string path = text["npipe:".Length..].Replace('\\', '/').TrimStart('/');
            const string local = "./pipe/";
            if (!path.StartsWith(local, StringComparison.OrdinalIgnoreCase) || path.Length == local.Length)
                throw new FormatException($"Docker host '{host}' from {source} is not a local named pipe (npipe:////./pipe/NAME).");
            return new DockerEndpoint(new Uri("npipe://localhost/" + Uri.EscapeDataString(path[local.Length..])), source, tls);
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri))
            throw new FormatException($"Docker host '{host}' from {source} is not a valid address; expected unix:///path, tcp://host:port or npipe:////./pipe/name.");
        switch (uri.Scheme)
        {
            case "unix":
                if (string.IsNullOrEmpty(uri.AbsolutePath) || uri.AbsolutePath == "/")
                    throw new FormatException($"Docker host '{host}' from {source} has no socket path.");
                return new DockerEndpoint(uri, source, tls);
            case "tcp" or "http" or "https":
                if (string.IsNullOrEmpty(uri.Host))
                    throw new FormatException($"Docker host '{host}' from {source} has no host name.");
                int port = uri.IsDefaultPort || uri.Port <= 0 ? (tls is null && uri.Scheme != "https" ? 2375 : 2376) : uri.Port;
                var normalized = new UriBuilder(uri.Scheme, uri.Host, port).Uri;
                return new DockerEndpoint(normalized, source, tls);
            default:
                throw new FormatException($"Docker host '{host}' from {source} uses scheme '{uri.Scheme}', which this client does not support (use unix://, tcp:// or npipe://; ssh:// is not supported).");
        }
    }
}

/// <summary>TLS material for a TCP engine, in the <c>DOCKER_CERT_PATH</c> layout.</summary>
/// <param name="CertificatePath">Folder with <c>ca.pem</c>, <c>cert.pem</c>, <c>key.pem</c>; files that are absent are not used.</param>
/// <param name="Verify">Whether the server certificate must chain to <c>ca.pem</c> and match the host name.</param>
internal sealed record DockerTlsSettings(string CertificatePath, bool Verify);
