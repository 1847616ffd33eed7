using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// The annotations the Deployment controller keeps on Deployments and their ReplicaSets (Kubernetes
/// <c>deploymentutil</c>): revisions, revision history, and the desired/max replicas that proportional scaling reads.
/// </summary>
internal static class DeploymentAnnotations
{
    /// <summary>On a ReplicaSet reused by a rollback: the revisions it had before, comma-separated.</summary>
    public const string RevisionHistory = "deployment.kubernetes.io/revision-history";

    /// <summary>The reason of a change, copied from the Deployment to its new ReplicaSet and shown in the rollout history.</summary>
    public const string ChangeCause = "kubernetes.io/change-cause";

    /// <summary>Written by <c>kubectl apply</c>; never copied to ReplicaSets.</summary>
    public const string LastAppliedConfiguration = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>The deprecated rollback request annotation; never copied.</summary>
    public const string DeprecatedRollbackTo = "deprecated.deployment.rollback.to";

    /// <summary>The longest revision-history annotation kept (Kubernetes' default <c>maxRevHistoryLengthInChars</c>).</summary>
    private const int MaxRevisionHistoryLength = 2000;

    /// <summary>Annotations owned by the controller (or kubectl) that are not copied between a Deployment and its ReplicaSets.</summary>
    public static readonly FrozenSet<string> Skipped = new[]
    {
        LastAppliedConfiguration, WellKnownLabels.DeploymentRevision, RevisionHistory,
        WellKnownLabels.DeploymentDesiredReplicas, WellKnownLabels.DeploymentMaxReplicas, DeprecatedRollbackTo,
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The revision of <paramref name="obj"/>; 0 when it has none or it is not a number.</summary>
    public static long Revision(KubernetesObject obj) =>
        obj.Metadata.Annotations.TryGetValue(WellKnownLabels.DeploymentRevision, out var text) &&
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? revision
            : 0;

    /// <summary>The highest revision among <paramref name="replicaSets"/>; 0 when none has one.</summary>
    public static long MaxRevision(IEnumerable<ReplicaSet> replicaSets) => replicaSets.Select(Revision).DefaultIfEmpty(0).Max();

    /// <summary>The <c>desired-replicas</c> annotation, or null.</summary>
    public static int? DesiredReplicas(ReplicaSet rs) => IntAnnotation(rs, WellKnownLabels.DeploymentDesiredReplicas);

    /// <summary>The <c>max-replicas</c> annotation, or null.</summary>
    public static int? MaxReplicas(ReplicaSet rs) => IntAnnotation(rs, WellKnownLabels.DeploymentMaxReplicas);

    /// <summary>True when the replicas annotations differ from <paramref name="desired"/> and <paramref name="max"/>.</summary>
    public static bool ReplicasNeedUpdate(ReplicaSet rs, int desired, int max) => DesiredReplicas(rs) != desired || MaxReplicas(rs) != max;

    /// <summary>The annotations with the replicas annotations set.</summary>
    public static IReadOnlyDictionary<string, string> WithReplicas(IReadOnlyDictionary<string, string> annotations, int desired, int max) =>
        annotations.ToImmutableDictionary()
            .SetItem(WellKnownLabels.DeploymentDesiredReplicas, desired.ToString(CultureInfo.InvariantCulture))
            .SetItem(WellKnownLabels.DeploymentMaxReplicas, max.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// The new ReplicaSet's annotations (Kubernetes <c>SetNewReplicaSetAnnotations</c>): the Deployment's annotations copied
    /// (except <see cref="Skipped"/>), the revision raised to <paramref name="newRevision"/> (an older revision moves to
    /// <see cref="RevisionHistory"/>), and for a ReplicaSet being created the replicas annotations. Returns null when
    /// nothing changes.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? ForNewReplicaSet(
        Deployment deployment, ReplicaSet rs, long newRevision, bool exists, int desired, int max)
    {
        var annotations = rs.Metadata.Annotations.ToImmutableDictionary();
        var changed = false;
        foreach (var (key, value) in deployment.Metadata.Annotations)
        {
            if (Skipped.Contains(key) || (annotations.TryGetValue(key, out var current) && current == value)) continue;
            annotations = annotations.SetItem(key, value);
            changed = true;
        }
        annotations.TryGetValue(WellKnownLabels.DeploymentRevision, out var oldText);
        long oldRevision = 0;
        if (!string.IsNullOrEmpty(oldText) && !long.TryParse(oldText, NumberStyles.None, CultureInfo.InvariantCulture, out oldRevision))
        {
            return changed ? annotations : null; // an unparsable revision is left alone, as Kubernetes does
        }
        if (oldRevision < newRevision)
        {
            annotations = annotations.SetItem(WellKnownLabels.DeploymentRevision, newRevision.ToString(CultureInfo.InvariantCulture));
            changed = true;
            if (!string.IsNullOrEmpty(oldText))
            {
                var history = annotations.GetValueOrDefault(RevisionHistory);
                history = string.IsNullOrEmpty(history) ? oldText : history + "," + oldText;
                while (history.Length > MaxRevisionHistoryLength && history.Contains(','))
                {
                    history = history[(history.IndexOf(',') + 1)..];
                }
                annotations = annotations.SetItem(RevisionHistory, history);
            }
        }
        if (!exists && ReplicasNeedUpdate(rs, desired, max))
        {
            annotations = annotations
                .SetItem(WellKnownLabels.DeploymentDesiredReplicas, desired.ToString(CultureInfo.InvariantCulture))
                .SetItem(WellKnownLabels.DeploymentMaxReplicas, max.ToString(CultureInfo.InvariantCulture));
            changed = true;
        }
        return changed ? annotations : null;
    }

    private static int? IntAnnotation(KubernetesObject obj, string key) =>
        obj.Metadata.Annotations.TryGetValue(key, out var text) &&
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
