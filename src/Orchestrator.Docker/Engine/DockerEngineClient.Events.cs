using System.Runtime.CompilerServices;

namespace Orchestrator.Docker.Engine;

internal sealed partial class DockerEngineClient
{
    /// <summary>
    /// GET /events: the engine's events matching <paramref name="filters"/> (e.g. <c>type=container</c> and a label),
    /// each yielded as soon as the engine sends it, until <paramref name="until"/> or cancellation.
    /// </summary>
    /// <param name="filters">What to receive; <see langword="null"/> for everything.</param>
    /// <param name="since">
    /// Replay the engine's recent events from this time first. The engine may start its stream a moment before it
    /// subscribes, so a consumer that must not miss an event passes a time just before the one it cares about.
    /// </param>
    /// <param name="until">End the stream at this time; <see langword="null"/> keeps it open.</param>
    /// <param name="ct">Ends the stream.</param>
    public async IAsyncEnumerable<DockerEvent> MonitorEventsAsync(
        DockerFilters? filters = null,
        DateTimeOffset? since = null,
        DateTimeOffset? until = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        string path = WithQuery(
            "events",
            ("since", since is { } s ? UnixTime(s) : null),
            ("until", until is { } u ? UnixTime(u) : null),
            ("filters", Filters(filters)));
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
        Stream stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await foreach (DockerEvent message in JsonLineReader.ReadAsync(stream, DockerJsonContext.Default.DockerEvent, ct).ConfigureAwait(false))
                yield return message;
        }
    }
}
