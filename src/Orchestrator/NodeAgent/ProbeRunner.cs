using System.Net.Sockets;
using Orchestrator.Api;
using Orchestrator.Runtime;

namespace Orchestrator.NodeAgent;

/// <summary>
/// Runs probe and lifecycle-hook handlers against a container: through <see cref="IContainerProbes"/> when the runtime
/// answers probes itself (the simulated runtime), otherwise exec through <see cref="IContainerExec"/> and httpGet /
/// tcpSocket over the network to the pod IP. A gRPC probe is checked as a TCP connection to its port.
/// </summary>
internal sealed class ProbeRunner(IContainerRuntime runtime, TimeProvider time)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true }, // kubelet skips TLS verification
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public async ValueTask<ProbeResult> ProbeAsync(
        string containerId, Container container, Probe probe, ProbeKind kind, string podIP, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(Math.Max(1, probe.TimeoutSeconds));
        ProbeRequest request;
        try
        {
            request = Request(kind, timeout, container, podIP, probe.Exec, probe.HttpGet, probe.TcpSocket, probe.Grpc);
        }
        catch (ArgumentException e)
        {
            return ProbeResult.Failure(e.Message);
        }
        return await RunAsync(containerId, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a lifecycle hook; a sleep action waits on the clock. Returns the failure message, or null on success.</summary>
    public async ValueTask<string?> RunHookAsync(
        string containerId, Container container, LifecycleHandler handler, string podIP, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (handler.Sleep is { } sleep)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, sleep.Seconds)), time, cancellationToken).ConfigureAwait(false);
            return null;
        }
        try
        {
            var request = Request(ProbeKind.LifecycleHook, timeout, container, podIP, handler.Exec, handler.HttpGet, handler.TcpSocket, null);
            var result = await RunAsync(containerId, request, cancellationToken).ConfigureAwait(false);
            return result.Success ? null : result.Message ?? "hook failed";
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    private async ValueTask<ProbeResult> RunAsync(string containerId, ProbeRequest request, CancellationToken cancellationToken)
    {
        try
        {
            if (runtime is IContainerProbes probes)
            {
                return await probes.ProbeAsync(containerId, request, cancellationToken).ConfigureAwait(false);
            }
            if (request.ExecCommand is { } command)
            {
                if (runtime is not IContainerExec exec) return ProbeResult.Failure("the container runtime does not support exec");
                var result = await exec.ExecAsync(containerId, command, request.Timeout, cancellationToken).ConfigureAwait(false);
                if (result.TimedOut) return ProbeResult.Failure($"command timed out after {request.Timeout.TotalSeconds:0}s");
                return result.ExitCode == 0
                    ? ProbeResult.Passed
                    : ProbeResult.Failure($"command exited with {result.ExitCode}: {Truncate(result.Stdout + result.Stderr)}");
            }
            using var timeout = new CancellationTokenSource(request.Timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            if (request.HttpUrl is { } url)
            {
                using var message = new HttpRequestMessage(HttpMethod.Get, url);
                message.Headers.TryAddWithoutValidation("User-Agent", "kube-probe/1.31");
                message.Headers.TryAddWithoutValidation("Accept", "*/*");
                foreach (var (name, value) in request.HttpHeaders) message.Headers.TryAddWithoutValidation(name, value);
                using var response = await Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                var code = (int)response.StatusCode;
                return code is >= 200 and < 400 ? ProbeResult.Passed : ProbeResult.Failure($"HTTP probe failed with statuscode: {code}");
            }
            if (request.TcpPort is { } port)
            {
                using var client = new TcpClient();
                await client.ConnectAsync(request.TcpHost ?? "", port, linked.Token).ConfigureAwait(false);
                return ProbeResult.Passed;
            }
            return ProbeResult.Failure("probe has no handler");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Failure($"probe timed out after {request.Timeout.TotalSeconds:0}s");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or ContainerRuntimeException)
        {
            return ProbeResult.Failure(e.Message);
        }
    }

    private static ProbeRequest Request(
        ProbeKind kind, TimeSpan timeout, Container container, string podIP,
        ExecAction? exec, HttpGetAction? http, TcpSocketAction? tcp, GrpcAction? grpc)
    {
        if (exec is not null) return new ProbeRequest { Kind = kind, Timeout = timeout, ExecCommand = exec.Command };
        if (http is not null)
        {
            var host = string.IsNullOrEmpty(http.Host) ? podIP : http.Host;
            var scheme = string.Equals(http.Scheme, "HTTPS", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
            var path = string.IsNullOrEmpty(http.Path) ? "/" : http.Path.StartsWith('/') ? http.Path : "/" + http.Path;
            var url = new Uri($"{scheme}://{FormatHost(host)}:{ResolvePort(container, http.Port)}{path}");
            return new ProbeRequest
            {
                Kind = kind,
                Timeout = timeout,
                HttpUrl = url,
                HttpHeaders = [.. http.HttpHeaders.Select(h => KeyValuePair.Create(h.Name, h.Value))],
            };
        }
        if (tcp is not null)
        {
            return new ProbeRequest
            {
                Kind = kind,
                Timeout = timeout,
                TcpHost = string.IsNullOrEmpty(tcp.Host) ? podIP : tcp.Host,
                TcpPort = ResolvePort(container, tcp.Port),
            };
        }
        if (grpc is not null) return new ProbeRequest { Kind = kind, Timeout = timeout, TcpHost = podIP, TcpPort = grpc.Port };
        throw new ArgumentException("probe has no handler");
    }

    private static int ResolvePort(Container container, IntOrString port)
    {
        if (port.IsInt) return port.IntValue;
        if (int.TryParse(port.StringValue, out var number)) return number;
        return container.Ports.FirstOrDefault(p => p.Name == port.StringValue)?.Port
            ?? throw new ArgumentException($"unknown port name \"{port.StringValue}\" in container {container.Name}");
    }

    private static string FormatHost(string host) => host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host;

    private static string Truncate(string text) => text.Length <= 256 ? text.Trim() : text[..256].Trim() + "…";
}
