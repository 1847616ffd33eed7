namespace Orchestrator.Controllers;

/// <summary>
/// Thrown by a reconciler for an error that retrying cannot fix, such as an invalid spec. The controller engine logs it
/// once and does not retry the key until the object (or a watched dependent) changes again; any other exception is
/// retried with back-off. Report the problem on the object too (a status condition or a Warning event) so users see it.
/// </summary>
/// <remarks>The message is logged: keep secrets out of it.</remarks>
public class TerminalException : Exception
{
    /// <summary>Creates a terminal error with a message saying what is wrong and how to fix it.</summary>
    public TerminalException(string message) : base(message)
    {
    }

    /// <summary>Creates a terminal error that wraps the exception that revealed it.</summary>
    public TerminalException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
