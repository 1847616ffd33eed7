using System.Net;

namespace Orchestrator.Docker.Engine;

/// <summary>
/// The engine answered 409: the name is in use, the container is not running (kill), or the object is in use (remove).
/// </summary>
internal sealed class DockerConflictException(string engineMessage, string? request, string? endpoint)
    : DockerApiException(HttpStatusCode.Conflict, engineMessage, request, endpoint);
