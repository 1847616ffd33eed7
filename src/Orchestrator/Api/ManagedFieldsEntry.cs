using System.Text.Json;

namespace Orchestrator.Api;

/// <summary>
/// Which fields of an object one field manager owns (Kubernetes <c>metav1.ManagedFieldsEntry</c>), as recorded by the
/// API endpoint for server-side apply and for updates that name a field manager. The store keeps it as written.
/// </summary>
public sealed record ManagedFieldsEntry
{
    /// <summary>The field manager, e.g. <c>kubectl</c> or <c>kubectl-client-side-apply</c>.</summary>
    public string? Manager { get; init; }

    /// <summary><c>Apply</c> (server-side apply) or <c>Update</c> (any other write).</summary>
    public string? Operation { get; init; }

    /// <summary>The API version the field set refers to.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>When the manager last changed its field set.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>The format of <see cref="FieldsV1"/>; always <c>FieldsV1</c>.</summary>
    public string? FieldsType { get; init; }

    /// <summary>The owned fields as a trie of <c>f:&lt;name&gt;</c>, <c>k:&lt;key&gt;</c> and <c>v:&lt;value&gt;</c> entries.</summary>
    public JsonElement? FieldsV1 { get; init; }

    /// <summary>The subresource the write went to (e.g. <c>status</c>, <c>scale</c>); empty for the main resource.</summary>
    public string? Subresource { get; init; }
}
