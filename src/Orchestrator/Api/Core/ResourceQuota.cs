using System.Collections.Immutable;

namespace Orchestrator.Api;

/// <summary>Limits on the total resources of a namespace (Kubernetes core/v1 <c>ResourceQuota</c>).</summary>
public sealed record ResourceQuota : KubernetesObject<ResourceQuotaSpec, ResourceQuotaStatus>
{
    /// <summary>Creates an empty <c>v1</c> ResourceQuota.</summary>
    public ResourceQuota() : base("v1", "ResourceQuota")
    {
    }
}

/// <summary>The desired limits (Kubernetes <c>ResourceQuotaSpec</c>).</summary>
public sealed record ResourceQuotaSpec
{
    /// <summary>Hard limits by resource name, for example <c>pods</c>, <c>requests.cpu</c>, <c>limits.memory</c>.</summary>
    public IReadOnlyDictionary<string, Quantity> Hard { get; init; } = ImmutableDictionary<string, Quantity>.Empty;

    /// <summary>Restricts the objects counted, for example <c>BestEffort</c> or <c>Terminating</c>.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];
}

/// <summary>The enforced limits and current usage (Kubernetes <c>ResourceQuotaStatus</c>).</summary>
public sealed record ResourceQuotaStatus
{
    /// <summary>The enforced hard limits.</summary>
    public IReadOnlyDictionary<string, Quantity> Hard { get; init; } = ImmutableDictionary<string, Quantity>.Empty;

    /// <summary>The current usage by resource name.</summary>
    public IReadOnlyDictionary<string, Quantity> Used { get; init; } = ImmutableDictionary<string, Quantity>.Empty;
}
