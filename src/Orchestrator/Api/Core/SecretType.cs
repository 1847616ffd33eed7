namespace Orchestrator.Api;

/// <summary>Values of a secret's <c>type</c>.</summary>
public static class SecretType
{
    /// <summary>Arbitrary user data (the default).</summary>
    public const string Opaque = "Opaque";

    /// <summary>A service account token; keys <c>token</c>, <c>ca.crt</c>, <c>namespace</c>.</summary>
    public const string ServiceAccountToken = "kubernetes.io/service-account-token";

    /// <summary>A <c>~/.dockercfg</c> file under key <c>.dockercfg</c>.</summary>
    public const string DockerConfig = "kubernetes.io/dockercfg";

    /// <summary>A <c>~/.docker/config.json</c> file under key <c>.dockerconfigjson</c>.</summary>
    public const string DockerConfigJson = "kubernetes.io/dockerconfigjson";

    /// <summary>Basic authentication; keys <c>username</c> and <c>password</c>.</summary>
    public const string BasicAuth = "kubernetes.io/basic-auth";

    /// <summary>SSH authentication; key <c>ssh-privatekey</c>.</summary>
    public const string SshAuth = "kubernetes.io/ssh-auth";

    /// <summary>A TLS certificate and key; keys <c>tls.crt</c> and <c>tls.key</c>.</summary>
    public const string Tls = "kubernetes.io/tls";

    /// <summary>A bootstrap token.</summary>
    public const string BootstrapToken = "bootstrap.kubernetes.io/token";
}
