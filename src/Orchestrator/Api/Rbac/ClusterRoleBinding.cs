namespace Orchestrator.Api;

/// <summary>
/// Grants the permissions of a <see cref="ClusterRole"/> cluster-wide (Kubernetes rbac.authorization.k8s.io/v1
/// <c>ClusterRoleBinding</c>).
/// </summary>
public sealed record ClusterRoleBinding : KubernetesObject
{
    /// <summary>Creates an empty <c>rbac.authorization.k8s.io/v1</c> ClusterRoleBinding.</summary>
    public ClusterRoleBinding() : base(RbacApi.ApiVersion, "ClusterRoleBinding")
    {
    }

    /// <summary>Who is granted the role; service accounts need their namespace.</summary>
    public IReadOnlyList<Subject> Subjects { get; init; } = [];

    /// <summary>The <c>ClusterRole</c> granted; required and immutable in Kubernetes.</summary>
    public RoleRef RoleRef { get; init; } = new();

    internal override bool DesiredStateEquals(KubernetesObject other) =>
        other is ClusterRoleBinding binding && KubernetesJson.ContentEquals(this with { Metadata = new() }, binding with { Metadata = new() });
}
