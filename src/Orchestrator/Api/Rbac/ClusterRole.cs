namespace Orchestrator.Api;

/// <summary>
/// A set of permissions cluster-wide or in every namespace (Kubernetes rbac.authorization.k8s.io/v1 <c>ClusterRole</c>),
/// granted by a <see cref="ClusterRoleBinding"/>, or within one namespace by a <see cref="RoleBinding"/>.
/// </summary>
public sealed record ClusterRole : KubernetesObject
{
    /// <summary>Creates an empty <c>rbac.authorization.k8s.io/v1</c> ClusterRole.</summary>
    public ClusterRole() : base(RbacApi.ApiVersion, "ClusterRole")
    {
    }

    /// <summary>The permissions; with an <see cref="AggregationRule"/>, the controller manages them.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; init; } = [];

    /// <summary>Selects ClusterRoles whose rules are combined into this one's <see cref="Rules"/> (shape only).</summary>
    public AggregationRule? AggregationRule { get; init; }

    internal override bool DesiredStateEquals(KubernetesObject other) =>
        other is ClusterRole role && KubernetesJson.ContentEquals(this with { Metadata = new() }, role with { Metadata = new() });
}

/// <summary>How a ClusterRole is assembled from others (Kubernetes <c>AggregationRule</c>).</summary>
public sealed record AggregationRule
{
    /// <summary>ClusterRoles matching any selector contribute their rules.</summary>
    public IReadOnlyList<LabelSelector> ClusterRoleSelectors { get; init; } = [];
}
