using System.Net;

namespace Orchestrator.Docker.Engine;

/// <summary>The engine answered 404: no such container, image, network or exec instance.</summary>
internal sealed class DockerNotFoundException(string engineMessage, string? request, string? endpoint)
    : DockerApiException(HttpStatusCode.NotFound, engineMessage, request, endpoint);
