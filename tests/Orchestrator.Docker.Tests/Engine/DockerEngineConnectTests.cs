using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orchestrator.Docker.Engine;

namespace Orchestrator.Docker.Tests.Engine;

/// <summary>Connecting: discovery, version negotiation, transports (unix, tcp, TLS), and the error when nothing answers.</summary>
public sealed class DockerEngineConnectTests
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    [Test]
    [CancelAfter(30_000)]
    public async Task ConnectAsync_DefaultDiscovery_NegotiatesTheLowerOfServerAndClientApiVersion(CancellationToken ct)
    {
        using DockerEngineClient client = await DockerTestEnvironment.ConnectAsync(requireTestImage: false, ct: ct);

        Version server = Version.Parse(client.EngineVersion.ApiVersion!);
        Assert.That(client.ApiVersion, Is.EqualTo(server < DockerEngineClient.MaximumApiVersion ? server : DockerEngineClient.MaximumApiVersion));
        Assert.That(client.ApiVersion, Is.GreaterThanOrEqualTo(DockerEngineClient.MinimumApiVersion));
        await client.PingAsync(ct);
        Assert.That((await client.GetVersionAsync(ct)).Version, Is.EqualTo(client.EngineVersion.Version));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ConnectAsync_NoEndpointAnswers_ErrorListsEveryEndpointTriedWithItsErrorAndTheFix(CancellationToken ct)
    {
        // Given a missing socket, a socket file nobody listens on, and a closed TCP port
        string folder = Directory.CreateTempSubdirectory("orch-docker-").FullName;
        try
        {
            string missing = Path.Combine(folder, "missing.sock");
            string stale = Path.Combine(folder, "stale.sock");
            using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            bound.Bind(new UnixDomainSocketEndPoint(stale)); // bound, never listening: connecting is refused
            int closedPort = FreeTcpPort();
            var resolver = new DockerEndpointResolver(_ => null, ["unix://" + missing, "unix://" + stale, $"tcp://127.0.0.1:{closedPort}"]);

            // When connecting
            var error = Assert.ThrowsAsync<DockerEngineUnavailableException>(
                () => DockerEngineClient.ConnectAsync(resolver.Resolve(new DockerEndpointOptions { ConfigDirectory = folder }), ConnectTimeout, null, ct));

            // Then the message names each endpoint in order with its own error, and how to fix it
            Assert.That(error!.Attempts.Select(a => a.Endpoint.Address), Is.EqualTo(new[] { "unix://" + missing, "unix://" + stale, $"tcp://127.0.0.1:{closedPort}" }));
            Assert.That(error.Attempts[0].Error, Is.EqualTo($"the socket {missing} does not exist"));
            Assert.That(error.Attempts[1].Error, Does.Contain("Connection refused"));
            Assert.That(error.Attempts[2].Error, Does.Contain("Connection refused"));
            foreach ((DockerEndpoint endpoint, string message) in error.Attempts)
                Assert.That(error.Message, Does.Contain($"{endpoint.Address} (default): {message}"));
            Assert.That(error.Message, Does.Contain("DOCKER_HOST").And.Contain("dockerd").And.Contain("docker context use"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public void ConnectAsync_DockerHostDoesNotAnswer_DoesNotFallBackToTheDefaultSocket(CancellationToken ct)
    {
        var resolver = new DockerEndpointResolver(name => name == "DOCKER_HOST" ? "unix:///nonexistent/orch-docker.sock" : null);

        var error = Assert.ThrowsAsync<DockerEngineUnavailableException>(
            () => DockerEngineClient.ConnectAsync(resolver.Resolve(new DockerEndpointOptions()), ConnectTimeout, null, ct));

        Assert.That(error!.Attempts, Has.Count.EqualTo(1));
        Assert.That(error.Message, Does.Contain("unix:///nonexistent/orch-docker.sock (DOCKER_HOST)").And.Not.Contain("/var/run/docker.sock"));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ConnectAsync_EndpointAcceptsButNeverAnswers_FailsAfterTheConnectTimeout(CancellationToken ct)
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var endpoint = DockerEndpoint.Parse($"tcp://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}", "test");

        var error = Assert.ThrowsAsync<DockerEngineUnavailableException>(
            () => DockerEngineClient.ConnectAsync([endpoint], TimeSpan.FromMilliseconds(300), null, ct));

        Assert.That(error!.Attempts.Single().Error, Is.EqualTo("no answer within 0.3 s"));
        await Task.CompletedTask;
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ConnectAsync_PlainTcp_TalksToTheEngine(CancellationToken ct)
    {
        // Given the default engine's unix socket behind a loopback TCP forwarder
        using DockerEngineClient local = await DockerTestEnvironment.ConnectAsync(requireTestImage: false, ct: ct);
        if (local.Endpoint.Host.Scheme != "unix")
            Assert.Ignore($"The default engine is not on a unix socket ({local.Endpoint.Address}).");
        await using var forwarder = new LoopbackForwarder(local.Endpoint.UnixSocketPath);

        // When connecting over tcp://
        using DockerEngineClient tcp = await DockerEngineClient.ConnectAsync(new DockerEndpointOptions { Host = $"tcp://127.0.0.1:{forwarder.Port}" }, ct: ct);

        // Then it is the same engine, reached through the forwarder
        Assert.That((await tcp.GetInfoAsync(ct)).ID, Is.EqualTo((await local.GetInfoAsync(ct)).ID));
        Assert.That(tcp.Endpoint.UsesTls, Is.False);
        Assert.That(forwarder.ConnectionsAccepted, Is.GreaterThan(0));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ConnectAsync_TlsWithClientCertificate_ReachesTheSecondEngine(CancellationToken ct)
    {
        RequireTlsMaterial();
        using DockerEngineClient viaSocket = await DockerTestEnvironment.ConnectSecondHostAsync(ct);

        using DockerEngineClient viaTls = await DockerEngineClient.ConnectAsync(
            new DockerEndpointOptions { Host = DockerTestEnvironment.SecondHostTlsAddress, TlsCertificatePath = DockerTestEnvironment.SecondHostTlsCertificatePath },
            ct: ct);

        Assert.That(viaTls.Endpoint.UsesTls, Is.True);
        Assert.That((await viaTls.GetInfoAsync(ct)).DockerRootDir, Is.EqualTo((await viaSocket.GetInfoAsync(ct)).DockerRootDir));
    }

    [Test]
    [CancelAfter(30_000)]
    public void ConnectAsync_TlsWithAForeignCa_RejectsTheServerCertificate(CancellationToken ct)
    {
        RequireTlsMaterial();
        string folder = CopyTlsMaterial(withClientCertificate: true);
        try
        {
            using (var key = RSA.Create(2048))
            {
                var request = new CertificateRequest("CN=some other ca", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
                using X509Certificate2 foreign = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
                File.WriteAllText(Path.Combine(folder, "ca.pem"), foreign.ExportCertificatePem());
            }

            var error = Assert.ThrowsAsync<DockerEngineUnavailableException>(() => DockerEngineClient.ConnectAsync(
                new DockerEndpointOptions { Host = DockerTestEnvironment.SecondHostTlsAddress, TlsCertificatePath = folder }, ct: ct));

            Assert.That(error!.Attempts.Single().Error, Does.Contain("certificate").IgnoreCase);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public void ConnectAsync_TlsWithoutClientCertificate_IsRefusedByTheEngine(CancellationToken ct)
    {
        RequireTlsMaterial();
        string folder = CopyTlsMaterial(withClientCertificate: false);
        try
        {
            var error = Assert.ThrowsAsync<DockerEngineUnavailableException>(() => DockerEngineClient.ConnectAsync(
                new DockerEndpointOptions { Host = DockerTestEnvironment.SecondHostTlsAddress, TlsCertificatePath = folder }, ct: ct));

            Assert.That(error!.Attempts.Single().Endpoint.Address, Is.EqualTo(DockerTestEnvironment.SecondHostTlsAddress));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void RequireTlsMaterial()
    {
        if (!File.Exists(Path.Combine(DockerTestEnvironment.SecondHostTlsCertificatePath, "key.pem")))
            DockerTestEnvironment.Unavailable($"no TLS client files in {DockerTestEnvironment.SecondHostTlsCertificatePath}.");
    }

    private static string CopyTlsMaterial(bool withClientCertificate)
    {
        string folder = Directory.CreateTempSubdirectory("orch-docker-tls-").FullName;
        foreach (string file in withClientCertificate ? new[] { "ca.pem", "cert.pem", "key.pem" } : ["ca.pem"])
            File.Copy(Path.Combine(DockerTestEnvironment.SecondHostTlsCertificatePath, file), Path.Combine(folder, file));
        return folder;
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
