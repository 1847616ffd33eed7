namespace Orchestrator.Docker.Engine;

internal sealed partial class DockerEngineClient
{
    /// <summary>GET /images/{name}/json.</summary>
    /// <exception cref="DockerNotFoundException">The image is not present (<c>No such image: …</c>).</exception>
    public Task<ImageInspectResponse> InspectImageAsync(string image, CancellationToken ct = default) =>
        GetAsync($"images/{ImageSegment(image)}/json", DockerJsonContext.Default.ImageInspectResponse, ct);

    /// <summary>GET /images/json (e.g. filter <c>reference</c> or <c>label</c>).</summary>
    public Task<IReadOnlyList<ImageSummary>> ListImagesAsync(DockerFilters? filters = null, CancellationToken ct = default) =>
        GetAsync(WithQuery("images/json", ("filters", Filters(filters))), DockerJsonContext.Default.IReadOnlyListImageSummary, ct);

    /// <summary>
    /// POST /images/create?fromImage=…&amp;tag=…: pulls an image (<c>latest</c> when the reference has no tag or digest)
    /// and returns when the engine has it. Progress messages go to <paramref name="progress"/> as they arrive.
    /// </summary>
    /// <param name="image">A reference such as <c>registry:5000/team/app:1.0</c> or <c>app@sha256:…</c>.</param>
    /// <param name="auth">Registry credentials, sent as <c>X-Registry-Auth</c>; never logged.</param>
    /// <param name="progress">Receives each progress message; may be <see langword="null"/>.</param>
    /// <param name="ct">Cancels the pull (the engine may finish it in the background).</param>
    /// <exception cref="DockerImagePullException">The engine reported an error in its progress stream.</exception>
    /// <exception cref="DockerApiException">The engine refused the pull (404: unknown repository or tag; 500: registry unreachable).</exception>
    public async Task PullImageAsync(string image, RegistryAuth? auth = null, IProgress<PullProgressMessage>? progress = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(image);
        (string repository, string tag) = SplitImageReference(image);
        KeyValuePair<string, string>[]? headers = auth is null ? null : [new("X-Registry-Auth", auth.ToHeaderValue())];
        using HttpResponseMessage response = await SendAsync(
            HttpMethod.Post,
            WithQuery("images/create", ("fromImage", repository), ("tag", tag)),
            null,
            ct,
            headers).ConfigureAwait(false);
        Stream stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await foreach (PullProgressMessage message in JsonLineReader.ReadAsync(stream, DockerJsonContext.Default.PullProgressMessage, ct).ConfigureAwait(false))
            {
                if (message.ErrorMessage is { } error)
                    throw new DockerImagePullException(image, error, Endpoint.Address);
                progress?.Report(message);
            }
        }
    }

    /// <summary>DELETE /images/{name}: untags it, and deletes it when no tag is left.</summary>
    /// <exception cref="DockerNotFoundException">No such image.</exception>
    /// <exception cref="DockerConflictException">A container uses it and <paramref name="force"/> is off.</exception>
    public async Task RemoveImageAsync(string image, bool force = false, CancellationToken ct = default)
    {
        using HttpResponseMessage response = await SendAsync(
            HttpMethod.Delete, WithQuery($"images/{ImageSegment(image)}", ("force", Bool(force))), null, ct).ConfigureAwait(false);
    }

    /// <summary>POST /images/{name}/tag: gives an image another name.</summary>
    public async Task TagImageAsync(string image, string repository, string tag, CancellationToken ct = default)
    {
        using HttpResponseMessage response = await SendAsync(
            HttpMethod.Post, WithQuery($"images/{ImageSegment(image)}/tag", ("repo", repository), ("tag", tag)), null, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Splits a reference into what POST /images/create wants: the repository, and the tag or digest
    /// (<c>latest</c> when neither is given).
    /// </summary>
    internal static (string Repository, string TagOrDigest) SplitImageReference(string image)
    {
        int at = image.IndexOf('@');
        if (at >= 0)
        {
            string name = image[..at];
            int nameSlash = name.LastIndexOf('/');
            int nameColon = name.LastIndexOf(':');
            return (nameColon > nameSlash ? name[..nameColon] : name, image[(at + 1)..]);
        }

        int slash = image.LastIndexOf('/');
        int colon = image.LastIndexOf(':');
        return colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }
}
