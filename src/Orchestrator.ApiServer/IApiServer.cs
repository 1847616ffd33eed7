namespace Orchestrator.ApiServer;

/// <summary>
/// The running Kubernetes-compatible endpoint registered by
/// <see cref="ApiServerServiceCollectionExtensions.AddOrchestratorApiServer"/>. Its members are valid once the host has
/// started; before that <see cref="Address"/> throws <see cref="InvalidOperationException"/>.
/// </summary>
public interface IApiServer
{
    /// <summary>The base address kubectl talks to, for example <c>http://127.0.0.1:43121</c>.</summary>
    Uri Address { get; }

    /// <summary>The bearer token requests must carry (<c>Authorization: Bearer …</c>). Treat it as a secret.</summary>
    string Token { get; }

    /// <summary>The kubeconfig written for this endpoint, or null when <see cref="ApiServerOptions.WriteKubeconfig"/> is false.</summary>
    string? KubeconfigPath { get; }

    /// <summary>The PEM of the self-signed certificate when TLS is on (to trust it as a CA), otherwise null.</summary>
    string? CertificatePem { get; }
}
