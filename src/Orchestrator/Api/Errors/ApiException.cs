namespace Orchestrator.Api.Errors;

/// <summary>
/// Base of every error the object store reports, carrying the HTTP code and <c>metav1.StatusReason</c>
/// a Kubernetes API server would answer with, so that callers (and the optional HTTP endpoint) can react by kind.
/// </summary>
public abstract class ApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected ApiException(string message, Exception? inner = null) : base(message, inner)
    {
    }

    /// <summary>The HTTP status code, for example 404 or 409.</summary>
    public abstract int Code { get; }

    /// <summary>The Kubernetes status reason, for example <c>NotFound</c> or <c>Conflict</c>.</summary>
    public abstract string Reason { get; }
}

/// <summary>The object does not exist (404 NotFound).</summary>
public sealed class NotFoundException(string kind, string? ns, string name)
    : ApiException(ns is null or "" ? $"{kind} \"{name}\" not found" : $"{kind} \"{name}\" not found in namespace \"{ns}\"")
{
    /// <inheritdoc/>
    public override int Code => 404;

    /// <inheritdoc/>
    public override string Reason => "NotFound";
}

/// <summary>An object with the same kind, namespace and name already exists (409 AlreadyExists).</summary>
public sealed class AlreadyExistsException(string kind, string? ns, string name)
    : ApiException(ns is null or "" ? $"{kind} \"{name}\" already exists" : $"{kind} \"{name}\" already exists in namespace \"{ns}\"")
{
    /// <inheritdoc/>
    public override int Code => 409;

    /// <inheritdoc/>
    public override string Reason => "AlreadyExists";
}

/// <summary>
/// The write was based on a stale <c>resourceVersion</c> or failed a precondition (409 Conflict);
/// read the object again, reapply the change and retry.
/// </summary>
public sealed class ConflictException(string message) : ApiException(message)
{
    /// <inheritdoc/>
    public override int Code => 409;

    /// <inheritdoc/>
    public override string Reason => "Conflict";
}

/// <summary>
/// A watch or list asked for a <c>resourceVersion</c> older than the retained history, or a watcher fell
/// too far behind (410 Gone / Expired). List again and watch from the list's resourceVersion.
/// </summary>
public sealed class ResourceExpiredException(string message) : ApiException(message)
{
    /// <inheritdoc/>
    public override int Code => 410;

    /// <inheritdoc/>
    public override string Reason => "Expired";
}

/// <summary>The request is not allowed in the object's current state, e.g. creating in a terminating namespace (403 Forbidden).</summary>
public sealed class ForbiddenException(string message) : ApiException(message)
{
    /// <inheritdoc/>
    public override int Code => 403;

    /// <inheritdoc/>
    public override string Reason => "Forbidden";
}

/// <summary>The request itself is malformed, e.g. an unparsable selector (400 BadRequest).</summary>
public sealed class BadRequestException(string message, Exception? inner = null) : ApiException(message, inner)
{
    /// <inheritdoc/>
    public override int Code => 400;

    /// <inheritdoc/>
    public override string Reason => "BadRequest";
}
