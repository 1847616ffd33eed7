using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>Metadata that every API object carries (Kubernetes <c>metav1.ObjectMeta</c>).</summary>
public sealed record ObjectMeta
{
    /// <summary>Unique name within the namespace (or cluster, for cluster-scoped kinds).</summary>
    public string? Name { get; init; }

    /// <summary>When <see cref="Name"/> is empty, the store appends five random characters to this prefix.</summary>
    public string? GenerateName { get; init; }

    /// <summary>The namespace of a namespaced object; empty for cluster-scoped kinds.</summary>
    public string? Namespace { get; init; }

    /// <summary>Set by the store on create; unique for the lifetime of the cluster.</summary>
    public string? Uid { get; init; }

    /// <summary>Opaque version set by the store on every write; used for optimistic concurrency and watch resumption.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>Incremented by the store each time the desired state changes.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Generation { get; init; }

    /// <summary>Set by the store on create.</summary>
    public DateTimeOffset? CreationTimestamp { get; init; }

    /// <summary>Set when deletion was requested while finalizers remain.</summary>
    public DateTimeOffset? DeletionTimestamp { get; init; }

    /// <summary>The grace period the pending deletion was requested with.</summary>
    public long? DeletionGracePeriodSeconds { get; init; }

    /// <summary>Identifying key/value pairs, matched by label selectors.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Non-identifying key/value pairs for tools and controllers.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Objects this object depends on; the garbage collector deletes it when they are gone.</summary>
    public IReadOnlyList<OwnerReference> OwnerReferences { get; init; } = [];

    /// <summary>While non-empty, a deleted object stays in the store with a <see cref="DeletionTimestamp"/>.</summary>
    public IReadOnlyList<string> Finalizers { get; init; } = [];

    /// <summary>Which field manager owns which fields; maintained by the API endpoint (server-side apply), kept by the store.</summary>
    public IReadOnlyList<ManagedFieldsEntry> ManagedFields { get; init; } = [];
}

/// <summary>Points from a dependent object to its owner (Kubernetes <c>metav1.OwnerReference</c>).</summary>
public sealed record OwnerReference
{
    /// <summary>API version of the owner.</summary>
    public string ApiVersion { get; init; } = "";

    /// <summary>Kind of the owner.</summary>
    public string Kind { get; init; } = "";

    /// <summary>Name of the owner, in the dependent's namespace.</summary>
    public string Name { get; init; } = "";

    /// <summary>UID of the owner; a reference to an owner with another UID is dangling.</summary>
    public string Uid { get; init; } = "";

    /// <summary>True for the managing controller; an object has at most one.</summary>
    public bool? Controller { get; init; }

    /// <summary>With foreground deletion, the owner is not removed until this dependent is gone.</summary>
    public bool? BlockOwnerDeletion { get; init; }
}
