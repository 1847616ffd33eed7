namespace Orchestrator.Api;

/// <summary>An identity for processes that run in pods (Kubernetes core/v1 <c>ServiceAccount</c>).</summary>
public sealed record ServiceAccount : KubernetesObject
{
    /// <summary>Creates an empty <c>v1</c> ServiceAccount.</summary>
    public ServiceAccount() : base("v1", "ServiceAccount")
    {
    }

    /// <summary>Secrets pods of this account may use (legacy token secrets).</summary>
    public IReadOnlyList<ObjectReference> Secrets { get; init; } = [];

    /// <summary>Registry credentials added to every pod that uses this account.</summary>
    public IReadOnlyList<LocalObjectReference> ImagePullSecrets { get; init; } = [];

    /// <summary>Whether pods of this account get a token mounted; a pod's own setting wins.</summary>
    public bool? AutomountServiceAccountToken { get; init; }
}
