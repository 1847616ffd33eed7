using System.Globalization;
using System.Net;

namespace Orchestrator.Docker.Engine;

/// <summary>The conditions POST /containers/{id}/wait can wait for.</summary>
internal static class ContainerWaitCondition
{
    /// <summary>Returns at once when the container is not running (created or exited), else when it exits.</summary>
    public const string NotRunning = "not-running";

    /// <summary>Waits for the next exit, even when the container is not running now.</summary>
    public const string NextExit = "next-exit";

    /// <summary>Waits until the container is removed.</summary>
    public const string Removed = "removed";
}

internal sealed partial class DockerEngineClient
{
    /// <summary>
    /// POST /containers/create: creates (does not start) a container named <paramref name="name"/>
    /// (<c>[a-zA-Z0-9][a-zA-Z0-9_.-]+</c>; <see langword="null"/> for a generated name) and returns its id.
    /// </summary>
    /// <exception cref="DockerNotFoundException">The image is not present (<c>No such image: …</c>).</exception>
    /// <exception cref="DockerConflictException">The name is in use.</exception>
    public async Task<string> CreateContainerAsync(string? name, ContainerCreateRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        DockerIdResponse created = await PostAsync(
            WithQuery("containers/create", ("name", name)),
            request,
            DockerJsonContext.Default.ContainerCreateRequest,
            DockerJsonContext.Default.DockerIdResponse,
            ct).ConfigureAwait(false);
        return created.Id;
    }

    /// <summary>POST /containers/{id}/start. Returns <see langword="false"/> when it was already running.</summary>
    public async Task<bool> StartContainerAsync(string id, CancellationToken ct = default) =>
        await SendNoContentAsync(HttpMethod.Post, $"containers/{Segment(id)}/start", null, ct).ConfigureAwait(false) != HttpStatusCode.NotModified;

    /// <summary>
    /// POST /containers/{id}/stop: sends the stop signal, then SIGKILL after <paramref name="timeout"/> (whole seconds,
    /// rounded up; <see langword="null"/> uses the container's own stop timeout). Returns once the container stopped;
    /// <see langword="false"/> when it was not running.
    /// </summary>
    public async Task<bool> StopContainerAsync(string id, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        string? seconds = timeout is { } t ? ((long)Math.Ceiling(Math.Max(0, t.TotalSeconds))).ToString(CultureInfo.InvariantCulture) : null;
        HttpStatusCode status = await SendNoContentAsync(HttpMethod.Post, WithQuery($"containers/{Segment(id)}/stop", ("t", seconds)), null, ct).ConfigureAwait(false);
        return status != HttpStatusCode.NotModified;
    }

    /// <summary>POST /containers/{id}/kill with a signal name (<c>SIGKILL</c>, <c>SIGTERM</c>, …) or number.</summary>
    /// <exception cref="DockerConflictException">The container is not running.</exception>
    public Task KillContainerAsync(string id, string signal = "SIGKILL", CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Post, WithQuery($"containers/{Segment(id)}/kill", ("signal", signal)), null, ct);

    /// <summary>
    /// DELETE /containers/{id}; <paramref name="force"/> kills it first if it runs, <paramref name="removeVolumes"/>
    /// also removes its anonymous volumes.
    /// </summary>
    /// <exception cref="DockerNotFoundException">No such container.</exception>
    /// <exception cref="DockerConflictException">It runs and <paramref name="force"/> is off, or removal is already in progress.</exception>
    public Task RemoveContainerAsync(string id, bool force = false, bool removeVolumes = false, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Delete, WithQuery($"containers/{Segment(id)}", ("force", Bool(force)), ("v", Bool(removeVolumes))), null, ct);

    /// <summary>GET /containers/{id}/json.</summary>
    /// <exception cref="DockerNotFoundException">No such container.</exception>
    public Task<ContainerInspectResponse> InspectContainerAsync(string id, CancellationToken ct = default) =>
        GetAsync($"containers/{Segment(id)}/json", DockerJsonContext.Default.ContainerInspectResponse, ct);

    /// <summary>GET /containers/json: running containers, or all with <paramref name="all"/>, matching the filters.</summary>
    public Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(bool all = true, DockerFilters? filters = null, CancellationToken ct = default) =>
        GetAsync(WithQuery("containers/json", ("all", Bool(all)), ("filters", Filters(filters))), DockerJsonContext.Default.IReadOnlyListContainerSummary, ct);

    /// <summary>
    /// POST /containers/{id}/wait: blocks until <paramref name="condition"/> holds (see
    /// <see cref="ContainerWaitCondition"/>) and returns the exit code. Cancel the token to stop waiting.
    /// </summary>
    public Task<ContainerWaitResponse> WaitContainerAsync(string id, string condition = ContainerWaitCondition.NotRunning, CancellationToken ct = default) =>
        PostAsync<ContainerWaitResponse>(WithQuery($"containers/{Segment(id)}/wait", ("condition", condition)), DockerJsonContext.Default.ContainerWaitResponse, ct);

    /// <summary>
    /// GET /containers/{id}/stats?stream=false&amp;one-shot=true: one sample of cumulative CPU time and memory, at once
    /// (without the engine's second sample, so <c>precpu_stats</c> is empty).
    /// </summary>
    public Task<ContainerStatsResponse> GetContainerStatsAsync(string id, CancellationToken ct = default) =>
        GetAsync(WithQuery($"containers/{Segment(id)}/stats", ("stream", "false"), ("one-shot", "true")), DockerJsonContext.Default.ContainerStatsResponse, ct);

    private async Task<TResponse> PostAsync<TResponse>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TResponse> responseType, CancellationToken ct)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Post, path, null, ct).ConfigureAwait(false);
        return await ReadJsonAsync(response, responseType, ct).ConfigureAwait(false);
    }
}
