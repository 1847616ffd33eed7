using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Runtime;

namespace Orchestrator.ApiServer.Http;

internal sealed partial class ResourceEndpoints
{
    // The remote-command WebSocket subprotocols, most preferred first. kubectl 1.30+ asks for v5 only; v4 is the same
    // framing without the close signal.
    private static readonly string[] ExecProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

    private const byte StdoutChannel = 1, StderrChannel = 2, ErrorChannel = 3;
    private const int ExecFrameBytes = 32 * 1024;
    private static readonly TimeSpan ExecTimeout = TimeSpan.FromHours(1);
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The <c>exec</c> subresource over a WebSocket with the <c>v5.channel.k8s.io</c> (or v4) subprotocol: every binary
    /// message starts with its channel (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; v5 adds 255, close a channel).
    /// The command runs to completion through <see cref="Client.IOrchestratorClient.ExecAsync"/>; its output is then sent on
    /// stdout and stderr (stdout only with a TTY), followed by a <c>metav1.Status</c> on the error channel (Success, or
    /// Failure with reason NonZeroExitCode and an ExitCode cause) and a normal close. The runtime exec contract has no
    /// standard input: data on the stdin channel is read and discarded, so interactive commands see an empty input.
    /// Failures found before the upgrade (pod or container missing, no WebSocket) are plain Status responses.
    /// </summary>
    private async Task ExecAsync(HttpContext context, ResourcePath path)
    {
        if (client is null) throw StatusError.BadRequest("exec is not available: no IOrchestratorClient is registered");
        var query = context.Request.Query;
        var command = query["command"].Where(c => !string.IsNullOrEmpty(c)).Select(c => c!).ToArray();
        if (command.Length == 0) throw StatusError.BadRequest("you must specify at least 1 command");
        var container = NullIfEmpty(query["container"]);
        var tty = IsTrue(query["tty"]);
        var stdout = IsTrue(query["stdout"]);
        var stderr = IsTrue(query["stderr"]);
        var pod = (Pod)await GetRequiredAsync(path, context.RequestAborted).ConfigureAwait(false);
        if (container is not null && !pod.Spec.Containers.Concat(pod.Spec.InitContainers).Any(c => c.Name == container))
        {
            throw StatusError.BadRequest($"container {container} is not valid for pod {pod.Metadata.Name}");
        }
        if (!context.WebSockets.IsWebSocketRequest) throw StatusError.BadRequest("Upgrade request required");
        var requested = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = ExecProtocols.FirstOrDefault(p => requested.Contains(p))
            ?? throw StatusError.BadRequest(
                $"unable to upgrade connection: the client supports [{string.Join(" ", requested)}], the server supports [{string.Join(" ", ExecProtocols)}]");

        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol).ConfigureAwait(false);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        // Reading keeps the socket answering pings, notices the client going away, and drains stdin and resize messages.
        var reader = DrainAsync(socket, session);
        JsonObject status;
        try
        {
            var result = await client.ExecAsync(path.Namespace!, path.Name!, command, container, ExecTimeout, session.Token).ConfigureAwait(false);
            if (stdout || tty) await SendAsync(socket, StdoutChannel, result.Stdout, session.Token).ConfigureAwait(false);
            if (tty) await SendAsync(socket, StdoutChannel, result.Stderr, session.Token).ConfigureAwait(false);
            else if (stderr) await SendAsync(socket, StderrChannel, result.Stderr, session.Token).ConfigureAwait(false);
            status = ExecStatus(result, command);
        }
        catch (OperationCanceledException) when (session.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is ApiException or ContainerRuntimeException or NotSupportedException or InvalidOperationException)
        {
            status = new JsonObject
            {
                ["metadata"] = new JsonObject(),
                ["status"] = "Failure",
                ["message"] = ex.Message,
                ["reason"] = ex is ApiException api ? api.Reason : "InternalError",
                ["code"] = ex is ApiException { Code: var code } ? code : 500,
            };
        }
        try
        {
            await SendAsync(socket, ErrorChannel, JsonSerializer.SerializeToUtf8Bytes(status), session.Token).ConfigureAwait(false);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, session.Token).ConfigureAwait(false);
            // Wait briefly for the client's close frame so that the close handshake completes.
            await reader.WaitAsync(CloseHandshakeTimeout, session.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away; nothing more to tell it.
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is "true" or "1";

    private static JsonObject ExecStatus(ExecResult result, string[] command)
    {
        if (result is { ExitCode: 0, TimedOut: false }) return new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" };
        if (result.TimedOut || result.ExitCode is < 0 or > 255)
        {
            return new JsonObject
            {
                ["metadata"] = new JsonObject(),
                ["status"] = "Failure",
                ["message"] = result.TimedOut ? $"command [{string.Join(" ", command)}] timed out after {ExecTimeout}" : $"command exited with code {result.ExitCode}",
                ["reason"] = "InternalError",
                ["code"] = 500,
            };
        }
        return new JsonObject
        {
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = $"command terminated with non-zero exit code: error executing command [{string.Join(" ", command)}], exit code {result.ExitCode}",
            ["reason"] = "NonZeroExitCode",
            ["details"] = new JsonObject
            {
                ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = result.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            },
        };
    }

    private static Task SendAsync(WebSocket socket, byte channel, string text, CancellationToken cancellationToken) =>
        text.Length == 0 ? Task.CompletedTask : SendAsync(socket, channel, Encoding.UTF8.GetBytes(text), cancellationToken);

    private static async Task SendAsync(WebSocket socket, byte channel, byte[] data, CancellationToken cancellationToken)
    {
        var frame = new byte[Math.Min(data.Length, ExecFrameBytes) + 1];
        frame[0] = channel;
        var offset = 0;
        do
        {
            var count = Math.Min(data.Length - offset, ExecFrameBytes);
            data.AsSpan(offset, count).CopyTo(frame.AsSpan(1));
            await socket.SendAsync(frame.AsMemory(0, count + 1), WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
            offset += count;
        }
        while (offset < data.Length);
    }

    /// <summary>Reads client messages until the client closes; a close from the client before the command ends cancels it.</summary>
    private static async Task DrainAsync(WebSocket socket, CancellationTokenSource session)
    {
        var buffer = new byte[4096];
        try
        {
            while (!session.IsCancellationRequested)
            {
                var message = await socket.ReceiveAsync(buffer.AsMemory(), session.Token).ConfigureAwait(false);
                if (message.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived) await session.CancelAsync().ConfigureAwait(false);
                    return;
                }
                // Stdin (channel 0), resize (4) and close signals (255) need no action: there is no stdin to feed.
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            await session.CancelAsync().ConfigureAwait(false);
        }
    }
}
