using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

// Creating and deleting pods (Kubernetes' manageReplicas).
internal abstract partial class ReplicaManager<TOwner>
{
    /// <summary>Creates or deletes pods to reach the desired count; returns the first failure, or null.</summary>
    private async Task<Exception?> ManageReplicasAsync(ObjectKey key, TOwner owner, IReadOnlyList<Pod> pods, DateTimeOffset now, CancellationToken ct)
    {
        var desired = Replicas(owner);
        var diff = pods.Count - desired;
        var uid = owner.Metadata.Uid ?? "";
        if (diff < 0)
        {
            var count = Math.Min(-diff, _options.BurstReplicas);
            ReplicaSetLog.Creating(_logger, desired, pods.Count, count);
            var template = TemplateOf(owner);
            var controllerRef = ControllerRefs.NewControllerRef(owner);
            var (created, error) = await SlowStart.RunAsync(count, 1, c => CreatePodAsync(owner, template, controllerRef, c), ct).ConfigureAwait(false);
            foreach (var pod in created) _expectations.ExpectCreated(key, uid, pod, now);
            if (error is not null) ReplicaSetLog.ManageFailed(_logger, error, "create", created.Count, count);
            return error;
        }
        if (diff > 0)
        {
            var count = Math.Min(diff, _options.BurstReplicas);
            ReplicaSetLog.Deleting(_logger, desired, pods.Count, count);
            var victims = ScaleDownRanking.PodsToDelete(pods, RelatedPods(owner, pods), count);
            foreach (var pod in victims) _expectations.ExpectDeleted(key, uid, pod, now);
            var results = await Task.WhenAll(victims.Select(p => DeletePodAsync(key, owner, p, ct))).ConfigureAwait(false);
            var error = results.FirstOrDefault(e => e is not null);
            if (error is not null) ReplicaSetLog.ManageFailed(_logger, error, "delete", results.Count(e => e is null), count);
            return error;
        }
        return null;
    }

    private async Task<Pod> CreatePodAsync(TOwner owner, PodTemplateSpec template, OwnerReference controllerRef, CancellationToken ct)
    {
        var pod = PodFromTemplate(owner, template, controllerRef);
        try
        {
            var created = await _store.CreateAsync<Pod>(pod, ct).ConfigureAwait(false);
            _events.Normal(owner, "SuccessfulCreate", $"Created pod: {created.Metadata.Name}");
            return created;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _events.Warning(owner, "FailedCreate", $"Error creating: {e.Message}");
            throw;
        }
    }

    /// <summary>Deletes one pod; returns the failure, or null (a pod already gone counts as deleted).</summary>
    private async Task<Exception?> DeletePodAsync(ObjectKey key, TOwner owner, Pod pod, CancellationToken ct)
    {
        try
        {
            await _store.DeleteAsync(ApiResources.For<Pod>(), pod.Metadata.Namespace, pod.Metadata.Name ?? "",
                new DeleteOptions { PreconditionUid = pod.Metadata.Uid }, ct).ConfigureAwait(false);
            _events.Normal(owner, "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
            return null;
        }
        catch (Exception e) when (e is NotFoundException or ConflictException)
        {
            // Gone, or replaced by a namesake that is not this pod: either way this pod no longer counts.
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _expectations.DeleteFailed(key, pod);
            _events.Warning(owner, "FailedDelete", $"Error deleting: {e.Message}");
            return e;
        }
    }

    /// <summary>
    /// A pod from the template (Kubernetes <c>GetPodFromTemplate</c>): the template's labels, annotations, finalizers and
    /// spec, named <c>&lt;owner&gt;-&lt;random&gt;</c>, in the owner's namespace, controlled by the owner.
    /// </summary>
    internal static Pod PodFromTemplate(KubernetesObject owner, PodTemplateSpec template, OwnerReference controllerRef) => new()
    {
        Metadata = new ObjectMeta
        {
            GenerateName = owner.Metadata.Name + "-",
            Namespace = owner.Metadata.Namespace,
            Labels = template.Metadata.Labels,
            Annotations = template.Metadata.Annotations,
            Finalizers = template.Metadata.Finalizers,
            OwnerReferences = [controllerRef],
        },
        Spec = template.Spec,
    };
}
