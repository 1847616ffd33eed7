namespace Orchestrator.Api.Errors;

/// <summary>
/// The server could not complete a valid request (500 InternalError), for example because the service IP or node port
/// range is full. The message starts with <c>Internal error occurred:</c> as Kubernetes' does; retrying helps only once
/// the cause is gone (e.g. after services were deleted).
/// </summary>
public sealed class InternalErrorException(string message) : ApiException("Internal error occurred: " + message)
{
    /// <inheritdoc/>
    public override int Code => 500;

    /// <inheritdoc/>
    public override string Reason => "InternalError";
}
