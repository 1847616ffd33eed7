using System.Text.Json;

namespace Orchestrator.Api;

/// <summary>
/// An immutable snapshot of a StatefulSet's or DaemonSet's template (Kubernetes apps/v1 <c>ControllerRevision</c>),
/// used by those controllers for rolling updates and rollback. Its <see cref="Data"/> is opaque to the API.
/// </summary>
public sealed record ControllerRevision : KubernetesObject
{
    /// <summary>Creates an empty <c>apps/v1</c> ControllerRevision.</summary>
    public ControllerRevision() : base("apps/v1", "ControllerRevision")
    {
    }

    /// <summary>The serialized state, any JSON value (usually a patch holding <c>spec.template</c>); immutable once created.</summary>
    public JsonElement? Data { get; init; }

    /// <summary>The revision number; higher is newer. Must be non-negative.</summary>
    public long Revision { get; init; }

    internal override bool DesiredStateEquals(KubernetesObject other) =>
        other is ControllerRevision revision && Revision == revision.Revision &&
        KubernetesJson.ContentEquals(this with { Metadata = new() }, revision with { Metadata = new() });
}
