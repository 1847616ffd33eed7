namespace Orchestrator.Api;

/// <summary>A reference to any object, or to a field of it (Kubernetes <c>ObjectReference</c>).</summary>
public sealed record ObjectReference
{
    /// <summary>The kind of the referent.</summary>
    public string? Kind { get; init; }

    /// <summary>The namespace of the referent.</summary>
    public string? Namespace { get; init; }

    /// <summary>The name of the referent.</summary>
    public string? Name { get; init; }

    /// <summary>The UID of the referent.</summary>
    public string? Uid { get; init; }

    /// <summary>The API version of the referent.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>The resource version of the referent that was observed.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>A field within the referent, for example <c>spec.containers{nginx}</c>.</summary>
    public string? FieldPath { get; init; }

    /// <summary>A reference to <paramref name="obj"/> (kind, API version, namespace, name, UID and resource version).</summary>
    public static ObjectReference For(KubernetesObject obj) => new()
    {
        Kind = obj.Kind,
        ApiVersion = obj.ApiVersion,
        Namespace = obj.Metadata.Namespace,
        Name = obj.Metadata.Name,
        Uid = obj.Metadata.Uid,
        ResourceVersion = obj.Metadata.ResourceVersion,
    };
}
