using Orchestrator.Docker.Engine;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Runtime;

// Images: presence, pulls with registry credentials, the list for the node status.
public sealed partial class DockerContainerRuntime
{
    /// <inheritdoc/>
    public async ValueTask<ImageInfo?> GetImageAsync(string image, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(image);
        try
        {
            var inspect = await _client.InspectImageAsync(ImageReference.Normalize(image), cancellationToken).ConfigureAwait(false);
            return new ImageInfo(inspect.Id, Names(inspect.RepoTags, inspect.RepoDigests), inspect.Size);
        }
        catch (DockerNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (IsEngineFailure(e, cancellationToken))
        {
            throw Failure($"inspecting image \"{image}\"", e);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Credentials are tried in order: the request's (the pod's <c>imagePullSecrets</c>) whose registry matches the
    /// image's, then <see cref="Hosting.DockerRuntimeOptions.RegistryCredentials"/>; an image of a registry none of
    /// them names is pulled anonymously. Concurrent pulls of one image with the same credentials share one engine pull.
    /// The failure message is the engine's (for example <c>manifest unknown</c> or <c>pull access denied</c>).
    /// </remarks>
    public async ValueTask<ImageInfo> PullImageAsync(ImagePullRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Image);
        var image = request.Image;
        var registry = RegistryOf(image);
        List<RegistryCredential?> candidates =
        [
            .. request.Credentials.Where(c => SameRegistry(c.Registry, registry)),
            .. _settings.RegistryCredentials.Where(c => SameRegistry(c.Registry, registry)),
        ];
        if (candidates.Count == 0) candidates.Add(null);
        var key = image + "\n" + string.Join("\n", candidates.Select(c => c is null ? "" : $"{c.Registry}\t{c.Username}"));
        var pull = _pulls.GetOrAdd(key, _ => new Lazy<Task<ImageInfo>>(() => PullAsync(key, image, candidates)));
        return await pull.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ImageInfo>> ListImagesAsync(CancellationToken cancellationToken = default)
    {
        var images = await EngineAsync(ct => _client.ListImagesAsync(null, ct), "listing images", cancellationToken).ConfigureAwait(false);
        return [.. images.Select(i => new ImageInfo(i.Id, Names(i.RepoTags, i.RepoDigests), i.Size)).Where(i => i.Names.Count > 0)];
    }

    /// <summary>
    /// One shared pull: it runs to its end even when the callers that wait for it give up (the engine would finish it
    /// anyway), so a retry finds the image.
    /// </summary>
    private async Task<ImageInfo> PullAsync(string key, string image, IReadOnlyList<RegistryCredential?> candidates)
    {
        try
        {
            return await PullOnceAsync(image, candidates).ConfigureAwait(false);
        }
        finally
        {
            // The next pull of the image starts afresh (a failure is not cached).
            _pulls.TryRemove(key, out _);
        }
    }

    private async Task<ImageInfo> PullOnceAsync(string image, IReadOnlyList<RegistryCredential?> candidates)
    {
        await Task.Yield(); // the first caller's thread returns at once
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var cancellationToken = timeout.Token;
        DockerRuntimeLog.Pulling(_logger, image, EngineAddress);
        string? error = null;
        Exception? failure = null;
        foreach (var credential in candidates)
        {
            var auth = credential is null ? null : new RegistryAuth
            {
                Username = credential.Username,
                Password = credential.Password,
                ServerAddress = credential.Registry,
            };
            try
            {
                await _client.PullImageAsync(image, auth, null, cancellationToken).ConfigureAwait(false);
                return await GetImageAsync(image, cancellationToken).ConfigureAwait(false)
                    ?? throw new ImagePullException(image, $"failed to pull image \"{image}\": the engine does not have it after the pull");
            }
            catch (Exception e) when (IsEngineFailure(e, cancellationToken))
            {
                failure = e;
                error = e is DockerApiException api ? api.EngineMessage : $"the Docker engine at {EngineAddress} did not answer ({Innermost(e).Message})";
            }
        }
        DockerRuntimeLog.PullFailed(_logger, image, EngineAddress, error ?? "");
        throw new ImagePullException(image, $"failed to pull image \"{image}\": {error}", failure);
    }

    /// <summary>An image's names as the engine lists them, without the placeholders of untagged images.</summary>
    private static IReadOnlyList<string> Names(IReadOnlyList<string>? tags, IReadOnlyList<string>? digests) =>
        [.. (tags ?? []).Concat(digests ?? []).Where(n => !n.StartsWith("<none>", StringComparison.Ordinal))];

    /// <summary>The registry host of an image reference: its first component when that looks like a host, else Docker Hub.</summary>
    internal static string RegistryOf(string image)
    {
        var slash = image.IndexOf('/');
        if (slash < 0) return "docker.io";
        var first = image[..slash];
        return first.Contains('.') || first.Contains(':') || first == "localhost" ? first : "docker.io";
    }

    /// <summary>
    /// Whether a credential's registry (as written in a <c>.dockerconfigjson</c>: a host, a host and port, or a URL such as
    /// <c>https://index.docker.io/v1/</c>) is the registry of an image.
    /// </summary>
    internal static bool SameRegistry(string credentialRegistry, string imageRegistry)
    {
        var host = credentialRegistry.Trim();
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) host = host[(scheme + 3)..];
        var slash = host.IndexOf('/');
        if (slash >= 0) host = host[..slash];
        static string Canonical(string h) => h.ToLowerInvariant() switch
        {
            "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com" or "docker.io" => "docker.io",
            var other => other,
        };
        return Canonical(host) == Canonical(imageRegistry);
    }
}
