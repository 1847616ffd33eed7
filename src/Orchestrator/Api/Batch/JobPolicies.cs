namespace Orchestrator.Api;

/// <summary>How failed pods of a Job count towards its backoff limit (Kubernetes <c>PodFailurePolicy</c>), enforced by the Job controller.</summary>
public sealed record PodFailurePolicy
{
    /// <summary>Rules evaluated in order; the first that matches a failed pod decides.</summary>
    public IReadOnlyList<PodFailurePolicyRule> Rules { get; init; } = [];
}

/// <summary>One rule of a <see cref="PodFailurePolicy"/> (Kubernetes <c>PodFailurePolicyRule</c>).</summary>
public sealed record PodFailurePolicyRule
{
    /// <summary><c>FailJob</c>, <c>FailIndex</c>, <c>Ignore</c> or <c>Count</c>; see <see cref="PodFailurePolicyAction"/>.</summary>
    public string Action { get; init; } = "";

    /// <summary>Matches by container exit code; exclusive with <see cref="OnPodConditions"/>.</summary>
    public PodFailurePolicyOnExitCodesRequirement? OnExitCodes { get; init; }

    /// <summary>Matches by pod condition; exclusive with <see cref="OnExitCodes"/>.</summary>
    public IReadOnlyList<PodFailurePolicyOnPodConditionsPattern> OnPodConditions { get; init; } = [];
}

/// <summary>Exit codes a <see cref="PodFailurePolicyRule"/> matches (Kubernetes <c>PodFailurePolicyOnExitCodesRequirement</c>).</summary>
public sealed record PodFailurePolicyOnExitCodesRequirement
{
    /// <summary>The container to check; every container when unset.</summary>
    public string? ContainerName { get; init; }

    /// <summary><c>In</c> or <c>NotIn</c>.</summary>
    public string Operator { get; init; } = "";

    /// <summary>The exit codes, ordered and without duplicates.</summary>
    public IReadOnlyList<int> Values { get; init; } = [];
}

/// <summary>A pod condition a <see cref="PodFailurePolicyRule"/> matches (Kubernetes <c>PodFailurePolicyOnPodConditionsPattern</c>).</summary>
public sealed record PodFailurePolicyOnPodConditionsPattern
{
    /// <summary>The pod condition type, for example <c>DisruptionTarget</c>.</summary>
    public string Type { get; init; } = "";

    /// <summary>The condition status to match; <c>True</c> by default.</summary>
    public string Status { get; init; } = ConditionStatus.True;
}

/// <summary>When an <c>Indexed</c> Job counts as succeeded early (Kubernetes <c>SuccessPolicy</c>), enforced by the Job controller.</summary>
public sealed record SuccessPolicy
{
    /// <summary>The job succeeds when any rule is met.</summary>
    public IReadOnlyList<SuccessPolicyRule> Rules { get; init; } = [];
}

/// <summary>One rule of a <see cref="SuccessPolicy"/> (Kubernetes <c>SuccessPolicyRule</c>).</summary>
public sealed record SuccessPolicyRule
{
    /// <summary>Indexes that must succeed, for example <c>"0,2-4"</c>.</summary>
    public string? SucceededIndexes { get; init; }

    /// <summary>How many of those indexes (or of all, when unset) must succeed.</summary>
    public int? SucceededCount { get; init; }
}
