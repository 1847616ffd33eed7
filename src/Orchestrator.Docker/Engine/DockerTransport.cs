using System.IO.Pipes;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Orchestrator.Docker.Engine;

/// <summary>
/// Builds the one <see cref="HttpClient"/> used for an endpoint: a <see cref="SocketsHttpHandler"/> whose
/// <see cref="SocketsHttpHandler.ConnectCallback"/> dials the unix socket or named pipe, or plain/TLS TCP with client
/// certificates. The client has no overall timeout: long-lived calls (wait, logs, events) are bounded by the caller's
/// cancellation token.
/// </summary>
internal static class DockerTransport
{
    public static HttpClient CreateHttpClient(DockerEndpoint endpoint, TimeSpan connectTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout,
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };

        Uri baseAddress;
        switch (endpoint.Host.Scheme)
        {
            case "unix":
                string socketPath = endpoint.UnixSocketPath;
                handler.ConnectCallback = (_, ct) => ConnectUnixAsync(socketPath, ct);
                baseAddress = new Uri("http://localhost/");
                break;
            case "npipe":
                string pipeName = endpoint.PipeName;
                handler.ConnectCallback = (_, ct) => ConnectPipeAsync(pipeName, ct);
                baseAddress = new Uri("http://localhost/");
                break;
            default:
                bool tls = endpoint.UsesTls;
                baseAddress = new UriBuilder(tls ? "https" : "http", endpoint.Host.Host, endpoint.Host.Port).Uri;
                if (tls)
                    handler.SslOptions = CreateSslOptions(endpoint);
                break;
        }

        return new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    private static async ValueTask<Stream> ConnectUnixAsync(string path, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async ValueTask<Stream> ConnectPipeAsync(string pipeName, CancellationToken ct)
    {
        var pipe = new NamedPipeClientStream(".", pipeName, PipeDirection.InOut, PipeOptions.Asynchronous);
        try
        {
            await pipe.ConnectAsync(ct).ConfigureAwait(false);
            return pipe;
        }
        catch
        {
            await pipe.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static SslClientAuthenticationOptions CreateSslOptions(DockerEndpoint endpoint)
    {
        var options = new SslClientAuthenticationOptions { TargetHost = endpoint.Host.Host };
        if (endpoint.Tls is not { } tls)
            return options; // https:// without client material: system trust, server name checked.

        string certFile = Path.Combine(tls.CertificatePath, "cert.pem");
        string keyFile = Path.Combine(tls.CertificatePath, "key.pem");
        string caFile = Path.Combine(tls.CertificatePath, "ca.pem");
        if (File.Exists(certFile) && File.Exists(keyFile))
        {
            X509Certificate2 client = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            if (OperatingSystem.IsWindows())
            {
                // SChannel cannot use an ephemeral key: round-trip through PKCS#12.
                X509Certificate2 persisted = X509CertificateLoader.LoadPkcs12(client.Export(X509ContentType.Pkcs12), null);
                client.Dispose();
                client = persisted;
            }

            options.ClientCertificates = [client];
        }

        if (!tls.Verify)
        {
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (File.Exists(caFile))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            options.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            options.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }

        return options;
    }
}
