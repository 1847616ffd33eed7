using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Docker.Engine;

/// <summary>
/// Turns <see cref="DockerEndpointOptions"/> and the environment into the ordered endpoints to try, as the docker CLI
/// does: explicit host, <c>DOCKER_HOST</c>, the current context, then the platform defaults (only the defaults are
/// tried one after another; any earlier source is used alone).
/// </summary>
internal sealed class DockerEndpointResolver
{
    private readonly Func<string, string?> getEnvironmentVariable;
    private readonly IReadOnlyList<string>? defaultHosts;

    /// <param name="getEnvironmentVariable">Reads an environment variable; tests pass a dictionary lookup.</param>
    /// <param name="defaultHosts">Overrides the platform default hosts (tests); <see langword="null"/> uses the platform's.</param>
    public DockerEndpointResolver(Func<string, string?>? getEnvironmentVariable = null, IReadOnlyList<string>? defaultHosts = null)
    {
        this.getEnvironmentVariable = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        this.defaultHosts = defaultHosts;
    }

    /// <summary>Returns the endpoints to try, in order; never empty.</summary>
    /// <exception cref="DockerEngineUnavailableException">A context is selected but cannot be read.</exception>
    /// <exception cref="FormatException">A configured host is not a valid address.</exception>
    public IReadOnlyList<DockerEndpoint> Resolve(DockerEndpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.Host))
        {
            DockerTlsSettings? tls = options.TlsCertificatePath is { Length: > 0 } path ? new DockerTlsSettings(path, options.TlsVerify) : null;
            return [DockerEndpoint.Parse(options.Host, "DockerEndpointOptions.Host", tls)];
        }

        string configDirectory = ConfigDirectory(options);
        if (Env("DOCKER_HOST") is { } dockerHost)
            return [DockerEndpoint.Parse(dockerHost, "DOCKER_HOST", TlsFromEnvironment(configDirectory))];

        string? contextSource = null;
        string? context = Env("DOCKER_CONTEXT");
        if (context is not null)
            contextSource = "DOCKER_CONTEXT";
        else
        {
            context = CurrentContextFromConfig(configDirectory);
            if (context is not null)
                contextSource = $"currentContext in {Path.Combine(configDirectory, "config.json")}";
        }

        if (context is not null && context != "default")
            return [ContextEndpoint(configDirectory, context, contextSource!)];

        return [.. DefaultHosts().Select(h => DockerEndpoint.Parse(h, "default"))];
    }

    /// <summary>The configuration directory: the option, else <c>DOCKER_CONFIG</c>, else <c>~/.docker</c>.</summary>
    public string ConfigDirectory(DockerEndpointOptions options) =>
        options.ConfigDirectory
        ?? Env("DOCKER_CONFIG")
        ?? Path.Combine(Env("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");

    /// <summary>The folder of a context's metadata: <c>contexts/meta/&lt;sha256 of the name&gt;</c>.</summary>
    public static string ContextId(string name) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    private string? Env(string name) => getEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private DockerTlsSettings? TlsFromEnvironment(string configDirectory)
    {
        // The Go SDK's FromEnv: DOCKER_CERT_PATH switches TLS on, DOCKER_TLS_VERIFY (any value) turns verification on;
        // the CLI also reads the certificates from the configuration directory when only DOCKER_TLS_VERIFY is set.
        bool verify = Env("DOCKER_TLS_VERIFY") is not null;
        string? certPath = Env("DOCKER_CERT_PATH") ?? (verify || Env("DOCKER_TLS") is not null ? configDirectory : null);
        return certPath is null ? null : new DockerTlsSettings(certPath, verify);
    }

    private static string? CurrentContextFromConfig(string configDirectory)
    {
        string path = Path.Combine(configDirectory, "config.json");
        if (!File.Exists(path))
            return null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("currentContext", out JsonElement current)
                && current.ValueKind == JsonValueKind.String
                && current.GetString() is { Length: > 0 } name
                ? name
                : null;
        }
        catch (JsonException e)
        {
            throw new DockerEngineUnavailableException($"Cannot read the Docker configuration {path}: {e.Message}. Fix or remove the file, or set DOCKER_HOST.", e);
        }
    }

    private static DockerEndpoint ContextEndpoint(string configDirectory, string context, string source)
    {
        string id = ContextId(context);
        string metaPath = Path.Combine(configDirectory, "contexts", "meta", id, "meta.json");
        string label = $"context \"{context}\" ({source})";
        if (!File.Exists(metaPath))
            throw new DockerEngineUnavailableException($"Docker {label} does not exist: {metaPath} is missing. Select an existing context with `docker context use NAME`, or set DOCKER_HOST.");

        string? host;
        bool skipVerify;
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(metaPath));
            JsonElement docker = document.RootElement.GetProperty("Endpoints").GetProperty("docker");
            host = docker.TryGetProperty("Host", out JsonElement h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
            skipVerify = docker.TryGetProperty("SkipTLSVerify", out JsonElement s) && s.ValueKind == JsonValueKind.True;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new DockerEngineUnavailableException($"Docker {label} has an unreadable {metaPath}: {e.Message}", e);
        }

        if (string.IsNullOrWhiteSpace(host))
            throw new DockerEngineUnavailableException($"Docker {label} has no Endpoints.docker.Host in {metaPath}.");

        string tlsPath = Path.Combine(configDirectory, "contexts", "tls", id, "docker");
        DockerTlsSettings? tls = Directory.Exists(tlsPath) ? new DockerTlsSettings(tlsPath, !skipVerify) : null;
        return DockerEndpoint.Parse(host, label, tls);
    }

    private IEnumerable<string> DefaultHosts()
    {
        if (defaultHosts is not null)
            return defaultHosts;
        if (OperatingSystem.IsWindows())
            return ["npipe:////./pipe/docker_engine", "npipe:////./pipe/dockerDesktopLinuxEngine"];

        var hosts = new List<string> { "unix:///var/run/docker.sock" };
        if (Env("XDG_RUNTIME_DIR") is { } runtimeDir)
            hosts.Add("unix://" + Path.Combine(runtimeDir, "docker.sock")); // rootless dockerd
        string home = Env("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (home.Length > 0)
        {
            hosts.Add("unix://" + Path.Combine(home, ".docker", "run", "docker.sock"));     // Docker Desktop (macOS)
            hosts.Add("unix://" + Path.Combine(home, ".docker", "desktop", "docker.sock")); // Docker Desktop (Linux)
        }

        return hosts.Distinct(StringComparer.Ordinal);
    }
}
