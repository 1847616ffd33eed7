using System.Net;

namespace Orchestrator.Docker.Engine;

/// <summary>
/// A pull failed after the engine had started its progress stream (HTTP 200): the stream carried an <c>error</c>.
/// <see cref="DockerApiException.StatusCode"/> is 500 by convention; <see cref="Image"/> names what was pulled.
/// A pull the engine refuses up front (unknown repository, manifest not found) is a plain
/// <see cref="DockerApiException"/> or <see cref="DockerNotFoundException"/> instead.
/// </summary>
internal sealed class DockerImagePullException(string image, string engineMessage, string? endpoint)
    : DockerApiException(
        $"Pulling {image} failed: {engineMessage} (Docker engine {endpoint})",
        HttpStatusCode.InternalServerError,
        engineMessage,
        "POST /images/create")
{
    /// <summary>The image reference that was being pulled.</summary>
    public string Image { get; } = image;
}
