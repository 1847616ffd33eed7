using System.Buffers;
using System.Text;

namespace Orchestrator.Docker.Engine;

internal sealed partial class DockerEngineClient
{
    /// <summary>The output <see cref="ExecAsync"/> keeps per stream unless told otherwise.</summary>
    public const int DefaultMaxExecOutputBytes = 1024 * 1024;

    /// <summary>
    /// Runs a command in a running container (exec create + start), captures stdout and stderr, and returns them with
    /// the exit code (exec inspect).
    /// </summary>
    /// <param name="containerId">The container; it must be running.</param>
    /// <param name="request">The command; it runs without a TTY or stdin.</param>
    /// <param name="timeout">How long the command may run; <see langword="null"/> means until <paramref name="ct"/>.</param>
    /// <param name="maxOutputBytes">Output kept per stream; the rest is read and dropped.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="TimeoutException">
    /// The command did not finish within <paramref name="timeout"/>. The engine cannot stop an exec process: it may go on
    /// running in the container.
    /// </exception>
    /// <exception cref="DockerNotFoundException">No such container.</exception>
    /// <exception cref="DockerConflictException">The container is not running.</exception>
    public async Task<ExecResult> ExecAsync(string containerId, ExecCreateRequest request, TimeSpan? timeout = null, int maxOutputBytes = DefaultMaxExecOutputBytes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(maxOutputBytes);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeout is { } t)
            cts.CancelAfter(t);
        try
        {
            DockerIdResponse exec = await PostAsync(
                $"containers/{Segment(containerId)}/exec",
                request with { Tty = false, AttachStdin = false },
                DockerJsonContext.Default.ExecCreateRequest,
                DockerJsonContext.Default.DockerIdResponse,
                cts.Token).ConfigureAwait(false);

            var stdout = new ArrayBufferWriter<byte>();
            var stderr = new ArrayBufferWriter<byte>();
            bool truncated = false;
            // Without an Upgrade header the engine answers with a plain 200 and streams until the process ends.
            using (HttpResponseMessage response = await SendAsync(
                HttpMethod.Post,
                $"exec/{Segment(exec.Id)}/start",
                Json(new ExecStartRequest(), DockerJsonContext.Default.ExecStartRequest),
                cts.Token).ConfigureAwait(false))
            {
                Stream stream = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    await foreach ((DockerStreamKind kind, ReadOnlyMemory<byte> payload) in DockerOutputReader.ReadFramesAsync(stream, cts.Token).ConfigureAwait(false))
                    {
                        ArrayBufferWriter<byte> target = kind == DockerStreamKind.Stderr ? stderr : stdout;
                        int room = Math.Max(0, maxOutputBytes - target.WrittenCount);
                        target.Write(payload.Span[..Math.Min(room, payload.Length)]);
                        truncated |= payload.Length > room;
                    }
                }
            }

            int exitCode = await WaitForExecExitAsync(exec.Id, cts.Token).ConfigureAwait(false);
            return new ExecResult(exitCode, Encoding.UTF8.GetString(stdout.WrittenSpan), Encoding.UTF8.GetString(stderr.WrittenSpan), truncated);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && timeout is not null)
        {
            throw new TimeoutException($"The command in container {containerId} did not finish within {timeout.Value.TotalSeconds:0.###} s.");
        }
    }

    /// <summary>GET /exec/{id}/json.</summary>
    public Task<ExecInspectResponse> InspectExecAsync(string execId, CancellationToken ct = default) =>
        GetAsync($"exec/{Segment(execId)}/json", DockerJsonContext.Default.ExecInspectResponse, ct);

    private async Task<int> WaitForExecExitAsync(string execId, CancellationToken ct)
    {
        // The output stream can close a moment before the engine records the exit code: poll briefly.
        var delay = TimeSpan.FromMilliseconds(5);
        for (int attempt = 0; ; attempt++)
        {
            ExecInspectResponse inspect = await InspectExecAsync(execId, ct).ConfigureAwait(false);
            if (!inspect.Running && inspect.ExitCode is { } exitCode)
                return exitCode;
            if (attempt >= 50)
                throw new InvalidOperationException($"The exec {execId} closed its output but still runs after {attempt} checks.");
            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
        }
    }
}
