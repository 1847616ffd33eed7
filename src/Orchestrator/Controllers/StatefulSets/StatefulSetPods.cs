using System.Collections.Immutable;
using System.Globalization;
using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// The stable identity of StatefulSet pods and claims (Kubernetes <c>stateful_set_utils.go</c>): names
/// <c>&lt;set&gt;-&lt;ordinal&gt;</c>, hostname and subdomain, the identity labels, and the claims of each ordinal.
/// </summary>
internal static class StatefulSetPods
{
    /// <summary>The ordinal of a pod named <c>&lt;set&gt;-&lt;ordinal&gt;</c> of <paramref name="set"/>, or -1 for any other name.</summary>
    public static int OrdinalOf(StatefulSet set, Pod pod)
    {
        var name = pod.Metadata.Name ?? "";
        var prefix = set.Metadata.Name + "-";
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return -1;
        var digits = name.AsSpan(prefix.Length);
        if (digits.Length == 0 || (digits.Length > 1 && digits[0] == '0')) return -1;
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) ? ordinal : -1;
    }

    /// <summary>True when the pod's name makes it a member of <paramref name="set"/> (Kubernetes <c>isMemberOf</c>).</summary>
    public static bool IsMemberOf(StatefulSet set, Pod pod) => OrdinalOf(set, pod) >= 0;

    /// <summary>The name of pod <paramref name="ordinal"/>.</summary>
    public static string PodName(StatefulSet set, int ordinal) => $"{set.Metadata.Name}-{ordinal.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The name of the claim from template <paramref name="template"/> for pod <paramref name="ordinal"/>: <c>&lt;template&gt;-&lt;set&gt;-&lt;ordinal&gt;</c>.</summary>
    public static string ClaimName(StatefulSet set, PersistentVolumeClaim template, int ordinal) =>
        $"{template.Metadata.Name}-{PodName(set, ordinal)}";

    /// <summary>True when <paramref name="ordinal"/> is in <c>[start, start + replicas)</c>.</summary>
    public static bool InRange(StatefulSet set, int ordinal) =>
        ordinal >= set.Spec.StartOrdinal && ordinal < set.Spec.StartOrdinal + set.Spec.Replicas;

    /// <summary>The controller-revision-hash label of the pod: the name of the revision it was created from.</summary>
    public static string? RevisionOf(Pod pod) =>
        pod.Metadata.Labels.TryGetValue(WellKnownLabels.ControllerRevisionHash, out var revision) ? revision : null;

    /// <summary>
    /// A new pod <paramref name="ordinal"/> of <paramref name="set"/> from <paramref name="template"/> (the template of
    /// <paramref name="revision"/>): name, hostname and subdomain, the identity and revision labels, and a volume per claim
    /// template pointing at the ordinal's claim (replacing a template volume of the same name).
    /// </summary>
    public static Pod New(StatefulSet set, PodTemplateSpec template, string revision, int ordinal)
    {
        var name = PodName(set, ordinal);
        var labels = template.Metadata.Labels.ToImmutableDictionary()
            .SetItem(WellKnownLabels.StatefulSetPodName, name)
            .SetItem(WellKnownLabels.PodIndex, ordinal.ToString(CultureInfo.InvariantCulture))
            .SetItem(WellKnownLabels.ControllerRevisionHash, revision);
        var pod = WorkloadPods.FromTemplate(template, set, name: name);
        var spec = pod.Spec with
        {
            Hostname = name,
            Subdomain = string.IsNullOrEmpty(set.Spec.ServiceName) ? pod.Spec.Subdomain : set.Spec.ServiceName,
            Volumes = Volumes(set, template.Spec.Volumes, ordinal),
        };
        return pod with { Metadata = pod.Metadata with { Labels = labels }, Spec = spec };
    }

    /// <summary>The claims pod <paramref name="ordinal"/> needs, one per claim template, labelled with the set's selector labels.</summary>
    public static IEnumerable<PersistentVolumeClaim> Claims(StatefulSet set, int ordinal)
    {
        foreach (var template in set.Spec.VolumeClaimTemplates)
        {
            var labels = template.Metadata.Labels.ToImmutableDictionary();
            foreach (var (key, value) in set.Spec.Selector?.MatchLabels ?? ImmutableDictionary<string, string>.Empty) labels = labels.SetItem(key, value);
            yield return new PersistentVolumeClaim
            {
                Metadata = new ObjectMeta
                {
                    Name = ClaimName(set, template, ordinal),
                    Namespace = set.Metadata.Namespace,
                    Labels = labels,
                    Annotations = template.Metadata.Annotations,
                },
                Spec = template.Spec,
            };
        }
    }

    /// <summary>True when the pod carries the identity labels of its ordinal (Kubernetes <c>identityMatches</c>, for labels).</summary>
    public static bool IdentityLabelsMatch(StatefulSet set, Pod pod, int ordinal) =>
        pod.Metadata.Labels.TryGetValue(WellKnownLabels.StatefulSetPodName, out var name) && name == pod.Metadata.Name &&
        pod.Metadata.Labels.TryGetValue(WellKnownLabels.PodIndex, out var index) && index == ordinal.ToString(CultureInfo.InvariantCulture);

    /// <summary>The pod with its identity labels restored.</summary>
    public static Pod WithIdentityLabels(Pod pod, int ordinal) => pod with
    {
        Metadata = pod.Metadata with
        {
            Labels = pod.Metadata.Labels.ToImmutableDictionary()
                .SetItem(WellKnownLabels.StatefulSetPodName, pod.Metadata.Name ?? "")
                .SetItem(WellKnownLabels.PodIndex, ordinal.ToString(CultureInfo.InvariantCulture)),
        },
    };

    private static IReadOnlyList<Volume> Volumes(StatefulSet set, IReadOnlyList<Volume> templateVolumes, int ordinal)
    {
        if (set.Spec.VolumeClaimTemplates.Count == 0) return templateVolumes;
        var claimVolumes = set.Spec.VolumeClaimTemplates.Select(t => new Volume
        {
            Name = t.Metadata.Name ?? "",
            PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = ClaimName(set, t, ordinal) },
        }).ToList();
        var names = claimVolumes.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        return [.. claimVolumes, .. templateVolumes.Where(v => !names.Contains(v.Name))];
    }
}
