using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Orchestrator.Docker.Engine;

/// <summary>
/// A typed client for one Docker engine (Engine API 1.41 to 1.47; Docker Engine 20.10 or later). Create it with
/// <see cref="ConnectAsync(DockerEndpointOptions?, ILogger?, CancellationToken)"/>, which finds the engine, checks it
/// answers and negotiates the API version. One instance holds one <see cref="HttpClient"/> (a connection pool) for its
/// engine; it is immutable and safe to use from many threads at once.
/// </summary>
/// <remarks>
/// Every call takes a <see cref="CancellationToken"/> and has no other timeout, because some calls (wait, logs with
/// follow, events) legitimately last as long as a container. Errors the engine reports become
/// <see cref="DockerApiException"/> (<see cref="DockerNotFoundException"/> for 404, <see cref="DockerConflictException"/>
/// for 409); transport failures surface as <see cref="HttpRequestException"/>.
/// </remarks>
internal sealed partial class DockerEngineClient : IDisposable
{
    /// <summary>The oldest API this client speaks: Docker Engine 20.10.</summary>
    public static readonly Version MinimumApiVersion = new(1, 41);

    /// <summary>The newest API this client asks for; newer engines are spoken to in this version.</summary>
    public static readonly Version MaximumApiVersion = new(1, 47);

    private const int MaxErrorBodyLength = 4096;

    private readonly HttpClient http;
    private readonly string prefix;

    internal DockerEngineClient(DockerEndpoint endpoint, HttpClient http, Version apiVersion, DockerVersionResponse engineVersion)
    {
        Endpoint = endpoint;
        this.http = http;
        ApiVersion = apiVersion;
        EngineVersion = engineVersion;
        prefix = $"/v{apiVersion.Major}.{apiVersion.Minor}/";
    }

    /// <summary>The engine this client talks to.</summary>
    public DockerEndpoint Endpoint { get; }

    /// <summary>The negotiated API version: the engine's, capped at <see cref="MaximumApiVersion"/>.</summary>
    public Version ApiVersion { get; }

    /// <summary>What the engine said about itself while connecting.</summary>
    public DockerVersionResponse EngineVersion { get; }

    /// <summary>
    /// Finds the engine (see <see cref="DockerEndpointOptions"/> for the order), checks that it answers and speaks
    /// API 1.41 or later, and returns a client for the first endpoint that does.
    /// </summary>
    /// <exception cref="DockerEngineUnavailableException">
    /// No endpoint answered; the message lists each endpoint tried with its error and how to fix it.
    /// </exception>
    /// <exception cref="FormatException">A configured host is not a valid address.</exception>
    public static Task<DockerEngineClient> ConnectAsync(DockerEndpointOptions? options = null, ILogger? logger = null, CancellationToken ct = default)
    {
        options ??= new DockerEndpointOptions();
        return ConnectAsync(new DockerEndpointResolver().Resolve(options), options.ConnectTimeout, logger, ct);
    }

    /// <summary>Tries <paramref name="candidates"/> in order and returns a client for the first that answers.</summary>
    /// <exception cref="DockerEngineUnavailableException">None answered.</exception>
    public static async Task<DockerEngineClient> ConnectAsync(IReadOnlyList<DockerEndpoint> candidates, TimeSpan connectTimeout, ILogger? logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        logger ??= NullLogger.Instance;
        var attempts = new List<(DockerEndpoint, string)>();
        Exception? lastError = null;
        foreach (DockerEndpoint endpoint in candidates)
        {
            HttpClient? http = null;
            try
            {
                http = DockerTransport.CreateHttpClient(endpoint, connectTimeout);
                DockerVersionResponse version = await ProbeAsync(http, endpoint, connectTimeout, ct).ConfigureAwait(false);
                Version api = Negotiate(version);
                var client = new DockerEngineClient(endpoint, http, api, version);
                http = null;
                DockerEngineLog.Connected(logger, endpoint.Address, endpoint.Source, version.Version, client.ApiVersion.ToString());
                return client;
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is not ArgumentException)
            {
                string error = Describe(endpoint, e);
                DockerEngineLog.EndpointFailed(logger, endpoint.Address, endpoint.Source, error);
                attempts.Add((endpoint, error));
                lastError = e;
            }
            finally
            {
                http?.Dispose();
            }
        }

        throw new DockerEngineUnavailableException(attempts, lastError);
    }

    public void Dispose() => http.Dispose();

    /// <summary>GET /_ping: whether the engine answers at all.</summary>
    public async Task PingAsync(CancellationToken ct = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, "_ping", null, ct).ConfigureAwait(false);
    }

    /// <summary>GET /version.</summary>
    public Task<DockerVersionResponse> GetVersionAsync(CancellationToken ct = default) =>
        GetAsync("version", DockerJsonContext.Default.DockerVersionResponse, ct);

    /// <summary>GET /info: CPUs, memory, name and platform of the engine's host.</summary>
    public Task<DockerInfoResponse> GetInfoAsync(CancellationToken ct = default) =>
        GetAsync("info", DockerJsonContext.Default.DockerInfoResponse, ct);

    internal static Version Negotiate(DockerVersionResponse version)
    {
        if (!Version.TryParse(version.ApiVersion, out Version? server))
            throw new NotSupportedException($"the engine reported no usable API version ('{version.ApiVersion}')");
        if (server < MinimumApiVersion)
        {
            throw new NotSupportedException(
                $"Docker Engine {version.Version} speaks API {server}; Orchestrator needs API {MinimumApiVersion} (Docker Engine 20.10) or later. Upgrade the engine.");
        }

        return server < MaximumApiVersion ? new Version(server.Major, server.Minor) : MaximumApiVersion;
    }

    private static async Task<DockerVersionResponse> ProbeAsync(HttpClient http, DockerEndpoint endpoint, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            // Unversioned: every engine answers /version, whatever API versions it speaks.
            using HttpResponseMessage response = await http.GetAsync("/version", HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw await CreateExceptionAsync(HttpMethod.Get, "/version", endpoint.Address, response, cts.Token).ConfigureAwait(false);
            return await ReadJsonAsync(response, DockerJsonContext.Default.DockerVersionResponse, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s");
        }
    }

    private static string Describe(DockerEndpoint endpoint, Exception e)
    {
        if (endpoint.Host.Scheme == "unix" && !File.Exists(endpoint.UnixSocketPath))
            return $"the socket {endpoint.UnixSocketPath} does not exist"; // .NET reports ENOENT as "Cannot assign requested address".

        // The innermost error says what went wrong ("Connection refused", "No such file or directory", a certificate
        // problem); HttpRequestException's own text names a placeholder host for unix sockets.
        Exception inner = e;
        while (inner.InnerException is not null && inner is HttpRequestException or IOException)
            inner = inner.InnerException;
        string text = inner is DockerApiException or TimeoutException or NotSupportedException or FormatException
            ? inner.Message
            : $"{inner.GetType().Name}: {inner.Message}";
        if (inner is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AccessDenied })
            return text + " (is this user allowed to use the socket, e.g. in the docker group?)";
        bool tlsFailure = false;
        for (Exception? x = e; x is not null; x = x.InnerException)
            tlsFailure |= x is System.Security.Authentication.AuthenticationException || x.GetType().Name.Contains("Ssl", StringComparison.Ordinal);
        return tlsFailure && endpoint.Tls is { } tls
            ? $"{text} (TLS handshake failed: ca.pem in {tls.CertificatePath} must have signed the engine's certificate, and the engine must accept cert.pem/key.pem)"
            : text;
    }
}
