using System.Globalization;
using System.Runtime.CompilerServices;

namespace Orchestrator.Docker.Engine;

internal sealed partial class DockerEngineClient
{
    /// <summary>
    /// GET /containers/{id}/logs as the engine sends it: multiplexed frames (see <see cref="DockerOutputReader"/>) for
    /// a container without a TTY, raw bytes with one. The caller disposes the stream; with
    /// <see cref="ContainerLogsParameters.Follow"/> it ends when the container stops.
    /// </summary>
    /// <exception cref="DockerNotFoundException">No such container.</exception>
    public async Task<Stream> OpenContainerLogsAsync(string id, ContainerLogsParameters parameters, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        string path = WithQuery(
            $"containers/{Segment(id)}/logs",
            ("stdout", Bool(parameters.Stdout)),
            ("stderr", Bool(parameters.Stderr)),
            ("follow", Bool(parameters.Follow)),
            ("timestamps", Bool(parameters.Timestamps)),
            ("tail", parameters.Tail is { } tail ? Math.Max(0, tail).ToString(CultureInfo.InvariantCulture) : "all"),
            ("since", parameters.Since is { } since ? UnixTime(since) : null),
            ("until", parameters.Until is { } until ? UnixTime(until) : null));
        HttpResponseMessage response = await SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
        try
        {
            return await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The container's output as lines, each tagged with its stream (stdout or stderr; all stdout for a TTY container)
    /// and, with <see cref="ContainerLogsParameters.Timestamps"/>, its time. Lines of one stream keep their order;
    /// across streams the order is the engine's.
    /// </summary>
    /// <exception cref="DockerNotFoundException">No such container.</exception>
    public async IAsyncEnumerable<DockerLogLine> ReadContainerLogsAsync(string id, ContainerLogsParameters parameters, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        bool tty = parameters.Tty ?? (await InspectContainerAsync(id, ct).ConfigureAwait(false)).Config.Tty;
        Stream stream = await OpenContainerLogsAsync(id, parameters, ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await foreach (DockerLogLine line in DockerOutputReader.ReadLinesAsync(stream, multiplexed: !tty, parameters.Timestamps, ct).ConfigureAwait(false))
                yield return line;
        }
    }
}
