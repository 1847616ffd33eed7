using System.Net;
using System.Net.Sockets;
using System.Text;
using Orchestrator.Api;
using Orchestrator.NodeAgent;
using Orchestrator.Runtime;
using Orchestrator.Runtime.Simulated;

namespace Orchestrator.Tests.NodeAgent;

/// <summary>The probe handlers a runtime without <see cref="IContainerProbes"/> gets: exec through the runtime, HTTP and TCP over loopback.</summary>
[TestFixture]
[CancelAfter(20_000)]
public sealed class ProbeRunnerTests
{
    private static readonly Container App = new() { Name = "app", Image = "busybox:1.36", Ports = [new ContainerPort { Name = "http", Port = 8080 }] };

    /// <summary>Hides the simulated runtime's own probe answers so the runner uses exec and the network.</summary>
    private sealed class ExecOnlyRuntime(SimulatedContainerRuntime inner) : IContainerRuntime, IContainerExec
    {
        public ValueTask<RuntimeInfo> GetInfoAsync(CancellationToken ct = default) => inner.GetInfoAsync(ct);
        public ValueTask<string> CreateSandboxAsync(PodSandboxConfig config, CancellationToken ct = default) => inner.CreateSandboxAsync(config, ct);
        public ValueTask StopSandboxAsync(string id, CancellationToken ct = default) => inner.StopSandboxAsync(id, ct);
        public ValueTask RemoveSandboxAsync(string id, CancellationToken ct = default) => inner.RemoveSandboxAsync(id, ct);
        public ValueTask<IReadOnlyList<RuntimeSandbox>> ListSandboxesAsync(IReadOnlyDictionary<string, string>? f = null, CancellationToken ct = default) => inner.ListSandboxesAsync(f, ct);
        public ValueTask<string> CreateContainerAsync(string sandboxId, ContainerConfig config, CancellationToken ct = default) => inner.CreateContainerAsync(sandboxId, config, ct);
        public ValueTask StartContainerAsync(string id, CancellationToken ct = default) => inner.StartContainerAsync(id, ct);
        public ValueTask StopContainerAsync(string id, TimeSpan grace, CancellationToken ct = default) => inner.StopContainerAsync(id, grace, ct);
        public ValueTask RemoveContainerAsync(string id, CancellationToken ct = default) => inner.RemoveContainerAsync(id, ct);
        public ValueTask<RuntimeContainerStatus?> GetContainerStatusAsync(string id, CancellationToken ct = default) => inner.GetContainerStatusAsync(id, ct);
        public ValueTask<IReadOnlyList<RuntimeContainerStatus>> ListContainersAsync(IReadOnlyDictionary<string, string>? f = null, CancellationToken ct = default) => inner.ListContainersAsync(f, ct);
        public ValueTask<ImageInfo?> GetImageAsync(string image, CancellationToken ct = default) => inner.GetImageAsync(image, ct);
        public ValueTask<ImageInfo> PullImageAsync(ImagePullRequest request, CancellationToken ct = default) => inner.PullImageAsync(request, ct);
        public ValueTask<IReadOnlyList<ImageInfo>> ListImagesAsync(CancellationToken ct = default) => inner.ListImagesAsync(ct);
        public ValueTask<ExecResult> ExecAsync(string id, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken ct = default) => inner.ExecAsync(id, command, timeout, ct);
    }

    private static async Task<(ProbeRunner Runner, string ContainerId)> StartAsync()
    {
        var simulated = new SimulatedContainerRuntime(new SimulatedRuntimeOptions { PreloadedImages = ["busybox:1.36"] });
        var runtime = new ExecOnlyRuntime(simulated);
        var sandbox = await runtime.CreateSandboxAsync(new PodSandboxConfig { PodName = "p", PodNamespace = "default", PodUid = "u", Hostname = "p" });
        var id = await runtime.CreateContainerAsync(sandbox, new ContainerConfig { Name = "app", Image = "busybox:1.36" });
        await runtime.StartContainerAsync(id);
        return (new ProbeRunner(runtime, TimeProvider.System), id);
    }

    /// <summary>A one-request-at-a-time HTTP server on loopback that answers every request with <paramref name="status"/>.</summary>
    private static (TcpListener Listener, Task Serving) Serve(HttpStatusCode status, CancellationToken ct)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serving = Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(ct);
                var stream = client.GetStream();
                var buffer = new byte[4096];
                _ = await stream.ReadAsync(buffer, ct); // the request line and headers fit; their content does not matter
                var response = $"HTTP/1.1 {(int)status} {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response), ct);
            }
        }, ct);
        return (listener, serving);
    }

    [TestCase(HttpStatusCode.OK, true)]
    [TestCase(HttpStatusCode.Found, true)]
    [TestCase(HttpStatusCode.InternalServerError, false)]
    public async Task ProbeAsync_HttpGet_SuccessFrom200To399(HttpStatusCode status, bool expected)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var (runner, id) = await StartAsync();
        var (listener, _) = Serve(status, cts.Token);
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var probe = new Probe { HttpGet = new HttpGetAction { Path = "/healthz", Port = port }, TimeoutSeconds = 5 };

            var result = await runner.ProbeAsync(id, App, probe, ProbeKind.Readiness, "127.0.0.1", cts.Token);

            Assert.That(result.Success, Is.EqualTo(expected));
            if (!expected) Assert.That(result.Message, Is.EqualTo("HTTP probe failed with statuscode: 500"));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Test]
    public async Task ProbeAsync_TcpSocket_ConnectsOrFails()
    {
        var (runner, id) = await StartAsync();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = ((IPEndPoint)listener.LocalEndpoint).Port;
        var probeOpen = new Probe { TcpSocket = new TcpSocketAction { Port = open }, TimeoutSeconds = 5 };
        var closedListener = new TcpListener(IPAddress.Loopback, 0);
        closedListener.Start();
        var closed = ((IPEndPoint)closedListener.LocalEndpoint).Port;
        closedListener.Stop();
        var probeClosed = new Probe { TcpSocket = new TcpSocketAction { Port = closed }, TimeoutSeconds = 5 };

        var success = await runner.ProbeAsync(id, App, probeOpen, ProbeKind.Liveness, "127.0.0.1", CancellationToken.None);
        var failure = await runner.ProbeAsync(id, App, probeClosed, ProbeKind.Liveness, "127.0.0.1", CancellationToken.None);
        listener.Stop();

        Assert.That(success.Success, Is.True);
        Assert.That(failure.Success, Is.False);
    }

    [TestCase("true", true)]
    [TestCase("false", false)]
    public async Task ProbeAsync_Exec_UsesTheRuntimesExec(string command, bool expected)
    {
        var (runner, id) = await StartAsync();

        var result = await runner.ProbeAsync(id, App, new Probe { Exec = new ExecAction { Command = [command] } }, ProbeKind.Liveness, "", CancellationToken.None);

        Assert.That(result.Success, Is.EqualTo(expected));
    }

    [Test]
    public async Task ProbeAsync_UnknownNamedPort_Fails()
    {
        var (runner, id) = await StartAsync();
        var probe = new Probe { HttpGet = new HttpGetAction { Port = "metrics" } };

        var result = await runner.ProbeAsync(id, App, probe, ProbeKind.Readiness, "127.0.0.1", CancellationToken.None);

        Assert.That(result.Message, Does.Contain("unknown port name \"metrics\""));
    }
}
