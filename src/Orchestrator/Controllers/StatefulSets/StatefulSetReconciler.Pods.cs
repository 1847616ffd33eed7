using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

internal sealed partial class StatefulSetReconciler
{
    /// <summary>Creates, deletes and replaces pods; returns early where <c>OrderedReady</c> has to wait.</summary>
    private async Task SyncPodsAsync(SetState state, CancellationToken cancellationToken)
    {
        var set = state.Set;
        var monotonic = set.Spec.PodManagementPolicy != PodManagementPolicy.Parallel;
        var start = set.Spec.StartOrdinal;

        for (var i = 0; i < state.Replicas.Length; i++)
        {
            var ordinal = start + i;
            var pod = state.Replicas[i];
            if (pod is not null && pod.IsTerminal() && !WorkloadPods.IsTerminating(pod))
            {
                var failed = pod.Status?.Phase == PodPhase.Failed;
                _events.Warning(set, failed ? "RecreatingFailedPod" : "RecreatingTerminatedPod",
                    $"StatefulSet {set.Metadata.Namespace}/{set.Metadata.Name} is recreating {(failed ? "failed" : "terminated")} Pod {pod.Metadata.Name}");
                await DeletePodAsync(set, pod, cancellationToken).ConfigureAwait(false);
                state.Replicas[i] = pod = null;
            }
            if (pod is null)
            {
                state.Replicas[i] = await CreatePodAsync(state, ordinal, cancellationToken).ConfigureAwait(false);
                // OrderedReady: the new pod must be Running and Ready before anything else happens.
                if (monotonic) return;
                continue;
            }
            if (WorkloadPods.IsTerminating(pod) || !IsHealthy(pod, set, state.Now))
            {
                if (monotonic) return;
                continue;
            }
            state.Replicas[i] = await EnforceIdentityAsync(set, pod, ordinal, cancellationToken).ConfigureAwait(false);
            await EnsureClaimsAsync(set, ordinal, pod, scaledDown: false, cancellationToken).ConfigureAwait(false);
        }

        // Scale down, highest ordinal first. The first unhealthy pod may go even in OrderedReady; any other must be ready.
        var firstUnhealthy = state.Condemned.LastOrDefault(p => !IsHealthy(p, set, state.Now));
        for (var target = state.Condemned.Count - 1; target >= 0; target--)
        {
            var pod = state.Condemned[target];
            if (WorkloadPods.IsTerminating(pod))
            {
                if (monotonic) return;
                continue;
            }
            if (monotonic && !WorkloadPods.IsRunningAndReady(pod) && !ReferenceEquals(pod, firstUnhealthy)) return;
            await EnsureClaimsAsync(set, StatefulSetPods.OrdinalOf(set, pod), pod, scaledDown: true, cancellationToken).ConfigureAwait(false);
            state.Condemned[target] = await DeletePodAsync(set, pod, cancellationToken).ConfigureAwait(false) ?? pod;
            if (monotonic) return;
        }

        if (set.Spec.UpdateStrategy.Type == StatefulSetUpdateStrategyType.OnDelete) return;

        // Rolling update: replace the highest pod at or above the partition that is not at the update revision.
        var partition = set.Spec.UpdateStrategy.RollingUpdate?.Partition ?? 0;
        for (var target = state.Replicas.Length - 1; target >= partition; target--)
        {
            var pod = state.Replicas[target];
            if (pod is null) return;
            if (StatefulSetPods.RevisionOf(pod) != state.Update.Metadata.Name && !WorkloadPods.IsTerminating(pod))
            {
                StatefulSetLog.UpdatingPod(_logger, pod.Metadata.Name!, state.Update.Metadata.Name!);
                state.Replicas[target] = await DeletePodAsync(set, pod, cancellationToken).ConfigureAwait(false) ?? pod;
                return;
            }
            if (!IsHealthy(pod, set, state.Now)) return;
        }
    }

    /// <summary>Running, Ready, available for minReadySeconds and not terminating (Kubernetes <c>isHealthy</c>).</summary>
    private static bool IsHealthy(Pod pod, StatefulSet set, DateTimeOffset now) =>
        !WorkloadPods.IsTerminating(pod) && WorkloadPods.IsRunningAndReady(pod) && PodAvailability.IsAvailable(pod, set.Spec.MinReadySeconds, now);

    /// <summary>
    /// True when pod <paramref name="ordinal"/> is created from the current revision: with <c>RollingUpdate</c>, ordinals
    /// below the partition (Kubernetes <c>newVersionedStatefulSetPod</c>).
    /// </summary>
    private static bool UsesCurrentRevision(StatefulSet set, int ordinal)
    {
        if (set.Spec.UpdateStrategy.Type != StatefulSetUpdateStrategyType.RollingUpdate) return false;
        var below = set.Spec.UpdateStrategy.RollingUpdate is { } rolling ? rolling.Partition : set.Status?.CurrentReplicas ?? 0;
        return ordinal < set.Spec.StartOrdinal + below;
    }

    /// <summary>Creates the pod's claims, then the pod; returns the created pod, or null when it has to wait.</summary>
    private async Task<Pod?> CreatePodAsync(SetState state, int ordinal, CancellationToken cancellationToken)
    {
        var set = state.Set;
        if (!await EnsureClaimsAsync(set, ordinal, pod: null, scaledDown: false, cancellationToken).ConfigureAwait(false)) return null;
        var revision = UsesCurrentRevision(set, ordinal) ? state.Current : state.Update;
        var template = ReferenceEquals(revision, state.Update) ? set.Spec.Template : RevisionHistory.TemplateOf(revision);
        var pod = StatefulSetPods.New(set, template, revision.Metadata.Name!, ordinal);
        try
        {
            var created = await _store.CreateAsync<Pod>(pod, cancellationToken).ConfigureAwait(false);
            _events.Normal(set, "SuccessfulCreate", $"create Pod {created.Metadata.Name} in StatefulSet {set.Metadata.Name} successful");
            return created;
        }
        catch (AlreadyExistsException)
        {
            // The cache has not seen it yet (or an old pod of that name is still going away); its event wakes us.
            return null;
        }
        catch (ApiException e) when (e is not NotFoundException)
        {
            _events.Warning(set, "FailedCreate", $"create Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} failed error: {e.Message}");
            throw;
        }
    }

    /// <summary>Deletes the pod (gracefully); returns its terminating state, or null when it was removed at once.</summary>
    private async Task<Pod?> DeletePodAsync(StatefulSet set, Pod pod, CancellationToken cancellationToken)
    {
        try
        {
            var remaining = await _store.DeleteAsync<Pod>(pod.Metadata.Namespace, pod.Metadata.Name!,
                new DeleteOptions { PreconditionUid = pod.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
            _events.Normal(set, "SuccessfulDelete", $"delete Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} successful");
            return remaining;
        }
        catch (NotFoundException)
        {
            return null;
        }
        catch (ConflictException)
        {
            // Replaced by another pod of the same name meanwhile; the next reconcile sees it.
            return null;
        }
    }

    /// <summary>Restores the identity labels of a pod that lost them.</summary>
    private async Task<Pod> EnforceIdentityAsync(StatefulSet set, Pod pod, int ordinal, CancellationToken cancellationToken)
    {
        if (StatefulSetPods.IdentityLabelsMatch(set, pod, ordinal)) return pod;
        try
        {
            return await _store.UpdateWithRetryAsync<Pod>(pod.Metadata.Namespace, pod.Metadata.Name!, current =>
                current.Metadata.Uid != pod.Metadata.Uid || StatefulSetPods.IdentityLabelsMatch(set, current, ordinal)
                    ? null
                    : StatefulSetPods.WithIdentityLabels(current, ordinal), cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return pod;
        }
    }
}
