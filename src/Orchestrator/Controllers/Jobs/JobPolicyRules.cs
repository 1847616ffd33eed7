using System.Globalization;
using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// How a Job's <c>podFailurePolicy</c> and <c>successPolicy</c> judge its pods (Kubernetes <c>pod_failure_policy.go</c>
/// and <c>success_policy.go</c>). Pure functions.
/// </summary>
internal static class JobPolicyRules
{
    /// <summary>The Job condition reason of a failure decided by a <c>FailJob</c> rule.</summary>
    public const string PodFailurePolicyReason = "PodFailurePolicy";

    /// <summary>The Job condition reason of a success decided by the success policy.</summary>
    public const string SuccessPolicyReason = "SuccessPolicy";

    /// <summary>The annotation on a pod of an index: how many pods of that index failed before it (Kubernetes' name).</summary>
    public const string IndexFailureCountAnnotation = "batch.kubernetes.io/job-index-failure-count";

    /// <summary>What the first matching rule decided for a failed pod.</summary>
    /// <param name="Action">The rule's action; null when no rule matched (the failure counts).</param>
    /// <param name="FailJobMessage">For <c>FailJob</c>, the message of the Job's <c>Failed</c> condition.</param>
    public readonly record struct Outcome(string? Action, string? FailJobMessage)
    {
        /// <summary>False for <c>Ignore</c>: the failure neither counts towards the backoff limit nor appears in <c>status.failed</c>.</summary>
        public bool CountsAsFailure => Action != PodFailurePolicyAction.Ignore;
    }

    /// <summary>
    /// The first rule of <paramref name="policy"/> that matches the failed <paramref name="pod"/> (Kubernetes
    /// <c>matchPodFailurePolicy</c>): by the exit code of a terminated container (regular containers first, then init
    /// containers; exit code 0 never matches), or by a pod condition with the given status.
    /// </summary>
    public static Outcome Match(PodFailurePolicy policy, Pod pod)
    {
        var status = pod.Status ?? new PodStatus();
        for (var index = 0; index < policy.Rules.Count; index++)
        {
            var rule = policy.Rules[index];
            if (rule.OnExitCodes is { } exitCodes)
            {
                if (MatchExitCodes(status, exitCodes) is not { } container) continue;
                return new Outcome(rule.Action, rule.Action != PodFailurePolicyAction.FailJob ? null : string.Create(CultureInfo.InvariantCulture,
                    $"Container {container.Name} for pod {pod.Metadata.Namespace}/{pod.Metadata.Name} failed with exit code {container.State.Terminated!.ExitCode} matching {rule.Action} rule at index {index}"));
            }
            else if (rule.OnPodConditions.Count > 0)
            {
                if (MatchConditions(status, rule.OnPodConditions) is not { } condition) continue;
                return new Outcome(rule.Action, rule.Action != PodFailurePolicyAction.FailJob ? null : string.Create(CultureInfo.InvariantCulture,
                    $"Pod {pod.Metadata.Namespace}/{pod.Metadata.Name} has condition {condition.Type} matching {rule.Action} rule at index {index}"));
            }
        }
        return default;
    }

    /// <summary>
    /// The message of the first success-policy rule the completed indexes meet (Kubernetes <c>matchSuccessPolicy</c>):
    /// <c>succeededIndexes</c> all completed (or at least <c>succeededCount</c> of them), or, without indexes, at least
    /// <c>succeededCount</c> completed indexes. Null when none is met.
    /// </summary>
    public static string? MatchSuccessPolicy(SuccessPolicy policy, SortedSet<int> completed, int completions)
    {
        if (completed.Count == 0) return null;
        for (var index = 0; index < policy.Rules.Count; index++)
        {
            var rule = policy.Rules[index];
            bool met;
            if (rule.SucceededIndexes is { } text)
            {
                var required = CompletionIndexes.Parse(text, completions);
                if (required.Count == 0) continue;
                var done = required.Count(completed.Contains);
                met = rule.SucceededCount is { } count ? done >= count : done == required.Count;
            }
            else
            {
                met = rule.SucceededCount is { } count && completed.Count >= count;
            }
            if (met) return string.Create(CultureInfo.InvariantCulture, $"Matched rules at index {index}");
        }
        return null;
    }

    /// <summary>How many pods of the pod's index failed before it (its <see cref="IndexFailureCountAnnotation"/>); 0 without one.</summary>
    public static int FailuresBefore(Pod pod) =>
        pod.Metadata.Annotations.TryGetValue(IndexFailureCountAnnotation, out var text) &&
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : 0;

    private static ContainerStatus? MatchExitCodes(PodStatus status, PodFailurePolicyOnExitCodesRequirement requirement) =>
        MatchExitCodes(status.ContainerStatuses, requirement) ?? MatchExitCodes(status.InitContainerStatuses, requirement);

    private static ContainerStatus? MatchExitCodes(IReadOnlyList<ContainerStatus> statuses, PodFailurePolicyOnExitCodesRequirement requirement)
    {
        foreach (var container in statuses)
        {
            if (container.State.Terminated is not { ExitCode: not 0 } terminated) continue;
            if (requirement.ContainerName is { } name && name != container.Name) continue;
            var listed = requirement.Values.Contains(terminated.ExitCode);
            if (requirement.Operator == "In" ? listed : requirement.Operator == "NotIn" && !listed) return container;
        }
        return null;
    }

    private static PodCondition? MatchConditions(PodStatus status, IReadOnlyList<PodFailurePolicyOnPodConditionsPattern> patterns)
    {
        foreach (var pattern in patterns)
        {
            foreach (var condition in status.Conditions)
            {
                if (condition.Type == pattern.Type && condition.Status == pattern.Status) return condition;
            }
        }
        return null;
    }
}
