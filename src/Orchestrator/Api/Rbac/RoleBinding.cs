namespace Orchestrator.Api;

/// <summary>
/// Grants the permissions of a <see cref="Role"/> in the binding's namespace, or of a <see cref="ClusterRole"/>
/// limited to that namespace, to users, groups and service accounts (Kubernetes rbac.authorization.k8s.io/v1
/// <c>RoleBinding</c>).
/// </summary>
public sealed record RoleBinding : KubernetesObject
{
    /// <summary>Creates an empty <c>rbac.authorization.k8s.io/v1</c> RoleBinding.</summary>
    public RoleBinding() : base(RbacApi.ApiVersion, "RoleBinding")
    {
    }

    /// <summary>Who is granted the role.</summary>
    public IReadOnlyList<Subject> Subjects { get; init; } = [];

    /// <summary>The <c>Role</c> or <c>ClusterRole</c> granted; required and immutable in Kubernetes.</summary>
    public RoleRef RoleRef { get; init; } = new();

    internal override bool DesiredStateEquals(KubernetesObject other) =>
        other is RoleBinding binding && KubernetesJson.ContentEquals(this with { Metadata = new() }, binding with { Metadata = new() });
}

/// <summary>A user, group or service account a binding grants a role to (Kubernetes <c>Subject</c>).</summary>
public sealed record Subject
{
    /// <summary><c>User</c>, <c>Group</c> or <c>ServiceAccount</c>; see <see cref="SubjectKind"/>.</summary>
    public string Kind { get; init; } = "";

    /// <summary>
    /// <c>rbac.authorization.k8s.io</c> for users and groups, <c>""</c> for service accounts; the defaulter sets it
    /// from <see cref="Kind"/> when unset.
    /// </summary>
    public string? ApiGroup { get; init; }

    /// <summary>The user, group or service account name; required.</summary>
    public string Name { get; init; } = "";

    /// <summary>The service account's namespace; the binding's namespace when unset in a RoleBinding.</summary>
    public string? Namespace { get; init; }
}

/// <summary>The role a binding grants (Kubernetes <c>RoleRef</c>).</summary>
public sealed record RoleRef
{
    /// <summary>Always <c>rbac.authorization.k8s.io</c>, the default.</summary>
    public string ApiGroup { get; init; } = RbacApi.Group;

    /// <summary><c>Role</c> or <c>ClusterRole</c> (only <c>ClusterRole</c> in a ClusterRoleBinding).</summary>
    public string Kind { get; init; } = "";

    /// <summary>The role's name; required.</summary>
    public string Name { get; init; } = "";
}
