using System.Net;

namespace Orchestrator.Docker.Engine;

/// <summary>
/// The engine answered a request with an error status. <see cref="EngineMessage"/> is the engine's own text (e.g.
/// <c>No such image: x</c>); <see cref="Exception.Message"/> adds the engine address, method and path.
/// </summary>
internal class DockerApiException : Exception
{
    public DockerApiException(HttpStatusCode statusCode, string engineMessage, string? request, string? endpoint, Exception? innerException = null)
        : base(Format(statusCode, engineMessage, request, endpoint), innerException)
    {
        StatusCode = statusCode;
        EngineMessage = engineMessage;
        Request = request;
    }

    /// <summary>For subclasses that word their own message.</summary>
    protected DockerApiException(string message, HttpStatusCode statusCode, string engineMessage, string? request)
        : base(message)
    {
        StatusCode = statusCode;
        EngineMessage = engineMessage;
        Request = request;
    }

    /// <summary>The HTTP status the engine returned.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The engine's <c>message</c>, verbatim.</summary>
    public string EngineMessage { get; }

    /// <summary>Method and path without the query, e.g. <c>POST /containers/create</c>.</summary>
    public string? Request { get; }

    private static string Format(HttpStatusCode statusCode, string engineMessage, string? request, string? endpoint)
    {
        string where = (request, endpoint) switch
        {
            (null, null) => "",
            (null, _) => $" (Docker engine {endpoint})",
            (_, null) => $" ({request})",
            _ => $" ({request} on {endpoint})",
        };
        return $"{engineMessage}{where}: HTTP {(int)statusCode} {statusCode}";
    }
}
