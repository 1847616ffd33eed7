namespace Orchestrator.Api;

/// <summary>A scope for names of namespaced objects (Kubernetes core/v1 <c>Namespace</c>); cluster-scoped.</summary>
/// <remarks>Field selectors: <c>status.phase</c> besides the metadata fields.</remarks>
public sealed record Namespace : KubernetesObject<NamespaceSpec, NamespaceStatus>
{
    /// <summary>Creates an empty <c>v1</c> Namespace.</summary>
    public Namespace() : base("v1", "Namespace")
    {
    }

    /// <inheritdoc/>
    public override string? GetFieldValue(string fieldPath) => fieldPath switch
    {
        "status.phase" => Status?.Phase ?? "",
        _ => base.GetFieldValue(fieldPath),
    };
}

/// <summary>The desired state of a namespace (Kubernetes <c>NamespaceSpec</c>).</summary>
public sealed record NamespaceSpec
{
    /// <summary>
    /// Finalizers that must be removed before the namespace is deleted; the namespace controller adds and
    /// removes <c>kubernetes</c> once every object in the namespace is gone.
    /// </summary>
    public IReadOnlyList<string> Finalizers { get; init; } = [];
}

/// <summary>The observed state of a namespace (Kubernetes <c>NamespaceStatus</c>).</summary>
public sealed record NamespaceStatus
{
    /// <summary><c>Active</c> or <c>Terminating</c>; see <see cref="NamespacePhase"/>.</summary>
    public string? Phase { get; init; }

    /// <summary>Conditions reported while the namespace is deleted.</summary>
    public IReadOnlyList<NamespaceCondition> Conditions { get; init; } = [];
}

/// <summary>A namespace condition (Kubernetes <c>NamespaceCondition</c>).</summary>
public sealed record NamespaceCondition
{
    /// <summary>The condition type, for example <c>NamespaceDeletionContentFailure</c>.</summary>
    public string Type { get; init; } = "";

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public string Status { get; init; } = ConditionStatus.Unknown;

    /// <summary>When <see cref="Status"/> last changed.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>A CamelCase reason.</summary>
    public string? Reason { get; init; }

    /// <summary>A human-readable explanation.</summary>
    public string? Message { get; init; }
}

/// <summary>Values of a namespace's <c>status.phase</c>.</summary>
public static class NamespacePhase
{
    /// <summary>Objects can be created in the namespace.</summary>
    public const string Active = "Active";

    /// <summary>The namespace is being deleted; no new objects can be created in it.</summary>
    public const string Terminating = "Terminating";
}
