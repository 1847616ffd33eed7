using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Scheduling;

/// <summary>What became of a binding.</summary>
internal enum BindOutcome
{
    /// <summary>The pod is bound to the chosen node.</summary>
    Bound,

    /// <summary>The pod was bound to another node meanwhile (by a user or another scheduler); nothing was written.</summary>
    BoundElsewhere,

    /// <summary>The pod no longer exists.</summary>
    Gone,
}

/// <summary>The writes the scheduler makes to pods: binding and the <c>PodScheduled</c> condition.</summary>
internal interface IPodBinder
{
    /// <summary>
    /// Binds <paramref name="pod"/> to <paramref name="nodeName"/> and sets <c>PodScheduled=True</c>, re-reading the pod
    /// on a conflict. Throws when the store rejects the binding for another reason.
    /// </summary>
    Task<BindOutcome> BindAsync(Pod pod, string nodeName, CancellationToken cancellationToken);

    /// <summary>Sets <c>PodScheduled=False</c> with reason <c>Unschedulable</c> and <paramref name="message"/>, unless already so.</summary>
    Task SetUnschedulableAsync(Pod pod, string message, CancellationToken cancellationToken);
}

/// <summary>
/// Binds through the object store. Kubernetes binds with the <c>pods/binding</c> subresource, which sets
/// <c>spec.nodeName</c> and the <c>PodScheduled</c> condition at once; here <c>spec.nodeName</c> is written by an update
/// conditioned on the pod's resourceVersion, then the condition by a status update.
/// </summary>
internal sealed class StorePodBinder(IObjectStore store, TimeProvider time) : IPodBinder
{
    /// <summary>The reason of <c>PodScheduled=False</c> when no node fits.</summary>
    public const string UnschedulableReason = "Unschedulable";

    private const int MaxConflictRetries = 5;
    private static readonly ResourceKind PodKind = ApiResources.For<Pod>();

    public async Task<BindOutcome> BindAsync(Pod pod, string nodeName, CancellationToken cancellationToken)
    {
        var current = pod;
        Pod bound;
        for (var attempt = 0; ; attempt++)
        {
            if (!string.IsNullOrEmpty(current.Spec.NodeName))
            {
                if (current.Spec.NodeName != nodeName) return BindOutcome.BoundElsewhere;
                bound = current;
                break;
            }
            try
            {
                bound = (Pod)await store.UpdateAsync(current with { Spec = current.Spec with { NodeName = nodeName } }, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (ConflictException) when (attempt < MaxConflictRetries)
            {
                if (await ReadAsync(current, cancellationToken).ConfigureAwait(false) is not { } latest) return BindOutcome.Gone;
                current = latest;
            }
            catch (NotFoundException)
            {
                return BindOutcome.Gone;
            }
        }

        var condition = new PodCondition { Type = PodConditionType.PodScheduled, Status = ConditionStatus.True };
        await UpdateConditionAsync(bound, condition, p => p.Spec.NodeName == nodeName, cancellationToken).ConfigureAwait(false);
        return BindOutcome.Bound;
    }

    public Task SetUnschedulableAsync(Pod pod, string message, CancellationToken cancellationToken)
    {
        var condition = new PodCondition
        {
            Type = PodConditionType.PodScheduled,
            Status = ConditionStatus.False,
            Reason = UnschedulableReason,
            Message = message,
        };
        return UpdateConditionAsync(pod, condition, p => string.IsNullOrEmpty(p.Spec.NodeName), cancellationToken);
    }

    /// <summary>Writes <paramref name="condition"/> while <paramref name="stillApplies"/> holds and it differs from the stored one.</summary>
    private async Task UpdateConditionAsync(Pod pod, PodCondition condition, Func<Pod, bool> stillApplies, CancellationToken cancellationToken)
    {
        var current = pod;
        for (var attempt = 0; ; attempt++)
        {
            if (!stillApplies(current)) return;
            var status = current.Status ?? new PodStatus();
            var existing = status.GetCondition(condition.Type);
            if (existing is not null && existing.Status == condition.Status && existing.Reason == condition.Reason &&
                existing.Message == condition.Message)
            {
                return;
            }
            var now = time.GetUtcNow();
            var updated = condition with
            {
                LastProbeTime = null,
                LastTransitionTime = existing is not null && existing.Status == condition.Status ? existing.LastTransitionTime : now,
            };
            var conditions = new List<PodCondition>(status.Conditions.Count + 1);
            foreach (var c in status.Conditions)
            {
                if (c.Type != condition.Type) conditions.Add(c);
            }
            conditions.Add(updated);
            var phase = status.Phase ?? PodPhase.Pending;
            try
            {
                await store.UpdateStatusAsync(current with { Status = status with { Conditions = conditions, Phase = phase } }, cancellationToken)
                    .ConfigureAwait(false);
                return;
            }
            catch (ConflictException) when (attempt < MaxConflictRetries)
            {
                if (await ReadAsync(current, cancellationToken).ConfigureAwait(false) is not { } latest) return;
                current = latest;
            }
            catch (NotFoundException)
            {
                return;
            }
        }
    }

    private async Task<Pod?> ReadAsync(Pod pod, CancellationToken cancellationToken) =>
        await store.GetAsync(PodKind, pod.Metadata.Namespace, pod.Metadata.Name ?? "", cancellationToken).ConfigureAwait(false) as Pod;
}
