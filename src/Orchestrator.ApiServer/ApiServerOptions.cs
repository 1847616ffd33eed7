namespace Orchestrator.ApiServer;

/// <summary>How the Kubernetes-compatible endpoint listens, authenticates and describes itself to kubectl.</summary>
public sealed class ApiServerOptions
{
    /// <summary>The IP address to bind; <c>127.0.0.1</c> by default so that only local processes can connect.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>The TCP port; 0 (the default) picks a free port, published as <see cref="IApiServer.Address"/> once started.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The bearer token every request must carry; null (the default) generates a random token per start. Requests without
    /// it, or with another token, get 401 Unauthorized.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// Where to write a kubeconfig for the running endpoint; null writes one into the temporary directory.
    /// The file is written with mode 0600 and, when generated in the temporary directory, deleted on stop.
    /// </summary>
    public string? KubeconfigPath { get; set; }

    /// <summary>When false, no kubeconfig file is written (read <see cref="IApiServer.Address"/> and the token instead).</summary>
    public bool WriteKubeconfig { get; set; } = true;

    /// <summary>The cluster, user and context name in the kubeconfig; <c>orchestrator</c> by default.</summary>
    public string ContextName { get; set; } = "orchestrator";

    /// <summary>
    /// When true (the default), serve HTTPS with a self-signed certificate generated at start (for 127.0.0.1 and
    /// localhost); the kubeconfig then carries it as <c>certificate-authority-data</c>. kubectl sends bearer tokens only
    /// over TLS, so with false the endpoint is usable by kubectl only if <see cref="Token"/> is not required by clients
    /// (set <see cref="AllowAnonymous"/>).
    /// </summary>
    public bool UseTls { get; set; } = true;

    /// <summary>
    /// When true, requests without a token are served (a wrong token is still rejected). Off by default; meant for
    /// plain-HTTP use on a trusted loopback.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>The version reported by <c>/version</c> (<c>kubectl version</c>'s server version).</summary>
    public string GitVersion { get; set; } = "v1.32.0-orchestrator";
}
