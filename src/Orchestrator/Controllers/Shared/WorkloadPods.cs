using System.Collections.Immutable;
using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// Pod helpers shared by the StatefulSet, DaemonSet and Job controllers: building a pod from a template for an owner
/// (Kubernetes <c>controller.GetPodFromTemplate</c>) and the pod states those controllers wait for.
/// </summary>
internal static class WorkloadPods
{
    /// <summary>
    /// A new pod from <paramref name="template"/> in <paramref name="owner"/>'s namespace: the template's labels,
    /// annotations, finalizers and spec, and a controller reference to the owner (<c>controller</c> and
    /// <c>blockOwnerDeletion</c> true). Give either a fixed <paramref name="name"/> or a <paramref name="generateName"/> prefix.
    /// </summary>
    public static Pod FromTemplate(PodTemplateSpec template, KubernetesObject owner, string? name = null, string? generateName = null) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            GenerateName = name is null ? generateName ?? owner.Metadata.Name + "-" : null,
            Namespace = owner.Metadata.Namespace,
            Labels = template.Metadata.Labels,
            Annotations = template.Metadata.Annotations,
            Finalizers = template.Metadata.Finalizers,
            OwnerReferences = [ControllerRefs.NewControllerRef(owner)],
        },
        Spec = template.Spec,
    };

    /// <summary>Returns <paramref name="labels"/> with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    public static IReadOnlyDictionary<string, string> WithLabel(IReadOnlyDictionary<string, string> labels, string key, string value) =>
        labels.TryGetValue(key, out var existing) && existing == value ? labels : labels.ToImmutableDictionary().SetItem(key, value);

    /// <summary>True when the pod's phase is <c>Running</c> and its <c>Ready</c> condition is <c>True</c>.</summary>
    public static bool IsRunningAndReady(Pod pod) => pod.Status?.Phase == PodPhase.Running && pod.IsReady();

    /// <summary>True when the pod has a deletion timestamp.</summary>
    public static bool IsTerminating(Pod pod) => pod.Metadata.DeletionTimestamp is not null;

    /// <summary>
    /// When the pod finished: the latest container exit, else when its <c>Ready</c> condition became <c>False</c>, else its
    /// deletion request, else <paramref name="now"/> (Kubernetes' <c>getFinishedTime</c>).
    /// </summary>
    public static DateTimeOffset FinishedAt(Pod pod, DateTimeOffset now)
    {
        DateTimeOffset? latest = null;
        foreach (var status in pod.Status?.ContainerStatuses ?? [])
        {
            if (status.State.Terminated?.FinishedAt is { } at && (latest is null || at > latest)) latest = at;
        }
        if (latest is not null) return latest.Value;
        var ready = pod.Status?.GetCondition(PodConditionType.Ready);
        if (ready is { Status: ConditionStatus.False, LastTransitionTime: { } since }) return since;
        // A graceful deletion's timestamp lies the grace period ahead: the pod finished when the deletion was requested.
        return pod.Metadata.DeletionTimestamp is { } deletion ? deletion.AddSeconds(-(pod.Metadata.DeletionGracePeriodSeconds ?? 0)) : now;
    }
}
