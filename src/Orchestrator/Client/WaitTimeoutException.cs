namespace Orchestrator.Client;

/// <summary>The timeout of a wait passed before the object reached the awaited state.</summary>
public sealed class WaitTimeoutException : WaitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">The kind of the awaited object.</param>
    /// <param name="namespace">Its namespace; empty for cluster-scoped kinds.</param>
    /// <param name="name">Its name.</param>
    /// <param name="goal">What was awaited, for example <c>to be ready</c>.</param>
    /// <param name="timeout">How long the wait lasted.</param>
    /// <param name="pending">Why the object was not there yet, in one line.</param>
    /// <param name="diagnostics">The description of the object's state.</param>
    public WaitTimeoutException(string kind, string @namespace, string name, string goal, TimeSpan timeout, string pending, string diagnostics)
        : base(kind, @namespace, name, Compose($"Timed out after {timeout} waiting for {kind} {Display(@namespace, name)} {goal}: {pending}", diagnostics), diagnostics)
    {
        Timeout = timeout;
        Pending = pending;
    }

    /// <summary>How long the wait lasted.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Why the object had not reached the awaited state, in one line.</summary>
    public string Pending { get; }

    internal static string Display(string @namespace, string name) => @namespace.Length == 0 ? name : $"{@namespace}/{name}";

    internal static string Compose(string headline, string diagnostics) =>
        diagnostics.Length == 0 ? headline : $"{headline}{Environment.NewLine}{diagnostics}";
}
