namespace Orchestrator.Docker.Engine;

/// <summary>
/// No Docker engine could be reached. The message lists every endpoint tried, the error each one gave, and how to
/// fix it; it never contains credentials.
/// </summary>
internal sealed class DockerEngineUnavailableException : Exception
{
    public DockerEngineUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Attempts = [];
    }

    public DockerEngineUnavailableException(IReadOnlyList<(DockerEndpoint Endpoint, string Error)> attempts, Exception? innerException = null)
        : base(Format(attempts), innerException)
    {
        Attempts = attempts;
    }

    /// <summary>Each endpoint tried, in order, with the error it gave.</summary>
    public IReadOnlyList<(DockerEndpoint Endpoint, string Error)> Attempts { get; }

    private static string Format(IReadOnlyList<(DockerEndpoint Endpoint, string Error)> attempts)
    {
        var text = new System.Text.StringBuilder("No Docker engine answered. Tried:");
        foreach ((DockerEndpoint endpoint, string error) in attempts)
            text.Append("\n  - ").Append(endpoint.Address).Append(" (").Append(endpoint.Source).Append("): ").Append(error);
        text.Append("\nFix: start the Docker engine (e.g. `sudo systemctl start docker`, or run `sudo dockerd` in the background), ")
            .Append("or point DOCKER_HOST at a running engine (e.g. DOCKER_HOST=unix:///path/to/docker.sock, or tcp://host:2376 ")
            .Append("with DOCKER_CERT_PATH and DOCKER_TLS_VERIFY=1), or select a context with `docker context use NAME`.");
        return text.ToString();
    }
}
