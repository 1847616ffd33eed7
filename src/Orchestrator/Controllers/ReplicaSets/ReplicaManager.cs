using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Selectors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// The replica management shared by the ReplicaSet and ReplicationController controllers (Kubernetes' <c>replica_set.go</c>,
/// which serves both): keeps <c>spec.replicas</c> active pods matching the owner's selector and reports them in the status.
/// Subclasses only adapt the owner kind.
/// </summary>
/// <remarks>
/// <para>Each reconcile of an owner:</para>
/// <list type="number">
/// <item>claims pods: those it controls that still match, plus matching orphans it adopts (adding a controller reference
/// with <c>blockOwnerDeletion</c>), while releasing controlled pods that stopped matching;</item>
/// <item>if the informer has observed its earlier creates and deletes (<see cref="PodExpectations"/>) and the owner is
/// not being deleted, creates pods from the template in slow-start batches, or deletes the most expendable pods
/// (<see cref="ScaleDownRanking"/>), at most <see cref="ReplicaSetControllerOptions.BurstReplicas"/> per reconcile;</item>
/// <item>writes <c>status</c> (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration, and
/// the <c>ReplicaFailure</c> condition while creates or deletes fail) when it changed.</item>
/// </list>
/// <para>A failed create or delete is recorded as a <c>FailedCreate</c>/<c>FailedDelete</c> Warning event and the
/// condition, and the owner is requeued with per-key exponential back-off. While pods are ready but not yet available
/// (<c>minReadySeconds</c>), the owner is requeued for the moment the next one becomes available.</para>
/// </remarks>
internal abstract partial class ReplicaManager<TOwner> : IReconciler where TOwner : KubernetesObject
{
    private readonly IObjectStore _store;
    private readonly ILister<TOwner> _owners;
    private readonly ILister<Pod> _pods;
    private readonly IEventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ReplicaSetControllerOptions _options;
    private readonly ILogger _logger;
    private readonly PodExpectations _expectations = new();

    protected ReplicaManager(
        IObjectStore store, SharedInformerFactory informers, IEventRecorderFactory events, TimeProvider time,
        ReplicaSetControllerOptions options, ILogger logger, string component)
    {
        _store = store;
        _owners = informers.GetLister<TOwner>();
        _pods = ControllerRefs.ClaimableLister<Pod>(informers);
        _events = events.CreateRecorder(component);
        _time = time;
        _options = options;
        _logger = logger;
    }

    /// <summary>The desired number of pods.</summary>
    protected abstract int Replicas(TOwner owner);

    /// <summary>Seconds a ready pod must stay ready to count as available.</summary>
    protected abstract int MinReadySeconds(TOwner owner);

    /// <summary>The owner's selector; <see cref="Selector.Nothing"/> selects no pod.</summary>
    /// <exception cref="ArgumentException">The selector is invalid (validation prevents this).</exception>
    protected abstract Selector SelectorOf(TOwner owner);

    /// <summary>The template pods are created from.</summary>
    protected abstract PodTemplateSpec TemplateOf(TOwner owner);

    /// <summary>The owner's current status in the common shape, or null when it has none.</summary>
    protected abstract ReplicaStatus? StatusOf(TOwner owner);

    /// <summary>The owner with <paramref name="status"/> written into its kind's status type (other conditions kept).</summary>
    protected abstract TOwner WithStatus(TOwner owner, ReplicaStatus status);

    /// <summary>
    /// The pods whose co-location ranks scale-down victims: by default the owner's own; a ReplicaSet of a Deployment adds
    /// the pods of its sibling ReplicaSets.
    /// </summary>
    protected virtual IEnumerable<Pod> RelatedPods(TOwner owner, IReadOnlyList<Pod> pods) => pods;

    /// <summary>The pod lister, for <see cref="RelatedPods"/>.</summary>
    protected ILister<Pod> Pods => _pods;

    /// <inheritdoc/>
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var owner = _owners.Get(key);
        if (owner is null)
        {
            _expectations.Forget(key);
            return ReconcileResult.Done;
        }
        Selector selector;
        try
        {
            selector = SelectorOf(owner);
        }
        catch (ArgumentException e)
        {
            throw new TerminalException($"{owner.Kind} {key} has an invalid selector: {e.Message}", e);
        }

        var uid = owner.Metadata.Uid ?? "";
        var now = _time.GetUtcNow();
        var needsSync = await _expectations.SatisfiedAsync(key, uid, _pods, _store, now, cancellationToken).ConfigureAwait(false);
        var (owned, orphans) = ControllerRefs.Candidates(_pods, owner);
        var pods = await new ControllerRefManager<Pod>(_store, owner, selector)
            .ClaimAsync(owned, orphans, PodAvailability.IsActive, cancellationToken).ConfigureAwait(false);

        Exception? manageError = null;
        if (!needsSync) ReplicaSetLog.ExpectationsPending(_logger);
        else if (owner.Metadata.DeletionTimestamp is null)
        {
            manageError = await ManageReplicasAsync(key, owner, pods, now, cancellationToken).ConfigureAwait(false);
        }

        var status = CalculateStatus(owner, pods, manageError, now);
        await UpdateStatusAsync(owner, status, cancellationToken).ConfigureAwait(false);
        if (manageError is not null) return ReconcileResult.Requeue;

        TimeSpan? next = null;
        var minReadySeconds = MinReadySeconds(owner);
        foreach (var pod in pods) next = PodAvailability.Earliest(next, PodAvailability.UntilAvailable(pod, minReadySeconds, now));
        return next is { } delay ? ReconcileResult.After(delay) : ReconcileResult.Done;
    }

    private ReplicaStatus CalculateStatus(TOwner owner, IReadOnlyList<Pod> pods, Exception? manageError, DateTimeOffset now)
    {
        var templateLabels = TemplateOf(owner).Metadata.Labels;
        var minReadySeconds = MinReadySeconds(owner);
        int fullyLabeled = 0, ready = 0, available = 0;
        foreach (var pod in pods)
        {
            if (HasAll(pod.Metadata.Labels, templateLabels)) fullyLabeled++;
            if (!pod.IsReady()) continue;
            ready++;
            if (PodAvailability.IsAvailable(pod, minReadySeconds, now)) available++;
        }
        var failure = StatusOf(owner)?.Failure;
        if (manageError is null) failure = null;
        else if (failure is null)
        {
            var reason = pods.Count < Replicas(owner) ? "FailedCreate" : "FailedDelete";
            failure = new ReplicaFailure(reason, manageError.Message, now);
        }
        return new ReplicaStatus(pods.Count, fullyLabeled, ready, available, owner.Metadata.Generation, failure);
    }

    private async Task UpdateStatusAsync(TOwner owner, ReplicaStatus status, CancellationToken cancellationToken)
    {
        if (StatusOf(owner) == status) return;
        try
        {
            await _store.UpdateStatusWithRetryAsync<TOwner>(owner.Metadata.Namespace, owner.Metadata.Name ?? "",
                current => current.Metadata.Uid == owner.Metadata.Uid && StatusOf(current) != status ? WithStatus(current, status) : null,
                cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            // Deleted meanwhile; the next reconcile finds it gone.
        }
    }

    private static bool HasAll(IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> required)
    {
        foreach (var (key, value) in required)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value) return false;
        }
        return true;
    }
}
