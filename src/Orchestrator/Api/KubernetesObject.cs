using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>
/// The common shape of every API object: <c>apiVersion</c>, <c>kind</c> and <c>metadata</c>.
/// </summary>
/// <remarks>
/// API objects are immutable records. Change one with a <c>with</c> expression and write the result
/// through the store; objects read from the store are shared snapshots and are never modified in place.
/// </remarks>
public abstract record KubernetesObject
{
    /// <summary>Creates an object of the given API version and kind.</summary>
    protected KubernetesObject(string apiVersion, string kind)
    {
        ApiVersion = apiVersion;
        Kind = kind;
    }

    /// <summary>The versioned schema of this object, for example <c>v1</c> or <c>apps/v1</c>.</summary>
    [JsonPropertyOrder(-30)]
    public string ApiVersion { get; init; }

    /// <summary>The kind of this object, for example <c>Pod</c>.</summary>
    [JsonPropertyOrder(-20)]
    public string Kind { get; init; }

    /// <summary>Name, namespace, labels and the other metadata every object has.</summary>
    [JsonPropertyOrder(-10)]
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>
    /// True when the desired state (spec, or for kinds without a spec their data) of this object equals
    /// <paramref name="other"/>'s. The store bumps <c>metadata.generation</c> only when this is false.
    /// </summary>
    internal virtual bool DesiredStateEquals(KubernetesObject other) =>
        KubernetesJson.ContentEquals(this, other);

    /// <summary>Returns this object with the status of <paramref name="source"/>; kinds without status return this.</summary>
    internal virtual KubernetesObject WithStatusOf(KubernetesObject source) => this;

    /// <summary>Returns this object with the status cleared; kinds without status return this.</summary>
    internal virtual KubernetesObject WithoutStatus() => this;

    /// <summary>
    /// The value of a field for field selectors, or null when this kind does not support the field.
    /// Every kind supports <c>metadata.name</c> and <c>metadata.namespace</c>.
    /// </summary>
    public virtual string? GetFieldValue(string fieldPath) => fieldPath switch
    {
        "metadata.name" => Metadata.Name,
        "metadata.namespace" => Metadata.Namespace ?? "",
        _ => null,
    };
}

/// <summary>
/// An API object with a desired state (<c>spec</c>) and an observed state (<c>status</c>).
/// </summary>
/// <typeparam name="TSpec">The desired state type.</typeparam>
/// <typeparam name="TStatus">The observed state type.</typeparam>
public abstract record KubernetesObject<TSpec, TStatus> : KubernetesObject
    where TSpec : class, new()
    where TStatus : class, new()
{
    /// <summary>Creates an object of the given API version and kind.</summary>
    protected KubernetesObject(string apiVersion, string kind) : base(apiVersion, kind)
    {
    }

    /// <summary>The desired state, written by users and controllers.</summary>
    public TSpec Spec { get; init; } = new();

    /// <summary>The observed state, written by the system through status updates.</summary>
    [JsonPropertyOrder(10)]
    public TStatus? Status { get; init; }

    internal override bool DesiredStateEquals(KubernetesObject other) =>
        other is KubernetesObject<TSpec, TStatus> typed &&
        (ReferenceEquals(Spec, typed.Spec) || KubernetesJson.ContentEquals(Spec, typed.Spec));

    internal override KubernetesObject WithStatusOf(KubernetesObject source) =>
        source is KubernetesObject<TSpec, TStatus> typed ? this with { Status = typed.Status } : this;

    internal override KubernetesObject WithoutStatus() => Status is null ? this : this with { Status = null };
}
