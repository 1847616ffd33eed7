using Orchestrator.Api;

namespace Orchestrator.Client;

/// <summary>
/// A wait of <see cref="IOrchestratorClient"/> ended without the object reaching the awaited state. The message says what
/// was awaited, what the object's state is and why (for pods: waiting reasons, exit codes, the last log lines and recent
/// Warning events); <see cref="Diagnostics"/> holds that description alone.
/// </summary>
public abstract class WaitException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">The kind of the awaited object.</param>
    /// <param name="namespace">Its namespace; empty for cluster-scoped kinds.</param>
    /// <param name="name">Its name.</param>
    /// <param name="message">The whole message: what happened, then the diagnostics.</param>
    /// <param name="diagnostics">The description of the object's state.</param>
    protected WaitException(string kind, string @namespace, string name, string message, string diagnostics) : base(message)
    {
        Kind = kind;
        Namespace = @namespace;
        Name = name;
        Diagnostics = diagnostics;
    }

    /// <summary>The kind of the awaited object, for example <c>Deployment</c>.</summary>
    public string Kind { get; }

    /// <summary>The namespace of the awaited object; empty for cluster-scoped kinds.</summary>
    public string Namespace { get; }

    /// <summary>The name of the awaited object.</summary>
    public string Name { get; }

    /// <summary>The state of the object (and of its pods) when the wait ended, as multi-line text.</summary>
    public string Diagnostics { get; }

    /// <summary>The key of the awaited object.</summary>
    public ObjectKey Key => new(Namespace, Name);
}
