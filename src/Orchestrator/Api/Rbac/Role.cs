namespace Orchestrator.Api;

/// <summary>
/// A set of permissions within one namespace (Kubernetes rbac.authorization.k8s.io/v1 <c>Role</c>), granted to
/// subjects by a <see cref="RoleBinding"/>. Permissions only add up; there are no deny rules.
/// </summary>
public sealed record Role : KubernetesObject
{
    /// <summary>Creates an empty <c>rbac.authorization.k8s.io/v1</c> Role.</summary>
    public Role() : base(RbacApi.ApiVersion, "Role")
    {
    }

    /// <summary>The permissions; a request is allowed when any rule allows it.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; init; } = [];

    internal override bool DesiredStateEquals(KubernetesObject other) =>
        other is Role role && KubernetesJson.ContentEquals(this with { Metadata = new() }, role with { Metadata = new() });
}

/// <summary>One permission (Kubernetes <c>PolicyRule</c>): verbs on resources, or on non-resource URLs.</summary>
public sealed record PolicyRule
{
    /// <summary>Verbs allowed, for example <c>get</c>, <c>list</c>, <c>watch</c>; <c>*</c> allows every verb. Required.</summary>
    public IReadOnlyList<string> Verbs { get; init; } = [];

    /// <summary>API groups of the resources; <c>""</c> is the core group and <c>*</c> every group.</summary>
    public IReadOnlyList<string> ApiGroups { get; init; } = [];

    /// <summary>Resources, for example <c>pods</c> or the subresource <c>pods/log</c>; <c>*</c> allows every resource.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary>Restricts the rule to objects with these names; every name when empty.</summary>
    public IReadOnlyList<string> ResourceNames { get; init; } = [];

    /// <summary>URL paths such as <c>/healthz</c> or <c>/api/*</c>; only in ClusterRoles, and not together with resources.</summary>
    public IReadOnlyList<string> NonResourceURLs { get; init; } = [];
}
