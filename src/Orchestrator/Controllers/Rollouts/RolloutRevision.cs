using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>One revision in a Deployment's rollout history: an old or the current ReplicaSet.</summary>
/// <param name="Revision">The revision number (<c>deployment.kubernetes.io/revision</c>).</param>
/// <param name="ChangeCause">The <c>kubernetes.io/change-cause</c> annotation the revision was rolled out with, or null.</param>
/// <param name="ReplicaSetName">The ReplicaSet that holds the revision.</param>
/// <param name="Template">The revision's pod template, without the <c>pod-template-hash</c> label.</param>
public sealed record RolloutRevision(long Revision, string? ChangeCause, string ReplicaSetName, PodTemplateSpec Template);
