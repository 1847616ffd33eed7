using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// Binds pending claims to volumes (the claim half of Kubernetes' PersistentVolume controller, plus a hostPath
/// provisioner standing in for a default StorageClass).
/// </summary>
/// <remarks>
/// <para>For a claim that is not bound yet, in order: the volume it names in <c>spec.volumeName</c>; a volume pre-bound to
/// it through <c>spec.claimRef</c>; the smallest free volume that satisfies it (<see cref="VolumeMatching.Satisfies"/>); or,
/// with <see cref="PersistentVolumeBinderOptions.DynamicProvisioning"/>, a new hostPath volume. Binding reserves the volume
/// first (its <c>claimRef</c>, with the claim's uid, so no other claim can take it), then sets the claim's
/// <c>volumeName</c>, then both phases to <c>Bound</c> with the volume's capacity and access modes on the claim; an
/// interrupted binding is completed by the next call. A bound claim whose volume disappeared becomes <c>Lost</c>.</para>
/// <para>A claim no volume satisfies stays <c>Pending</c> with a <c>FailedBinding</c> event; it is looked at again when a
/// volume appears or changes.</para>
/// </remarks>
internal sealed class PersistentVolumeClaimBinder : IReconciler
{
    /// <summary>The controller name, in logs and metrics, and the component of its events.</summary>
    public const string Name = "persistentvolume-binder-controller";

    private readonly IObjectStore _store;
    private readonly ILister<PersistentVolumeClaim> _claims;
    private readonly ILister<PersistentVolume> _volumes;
    private readonly IEventRecorder _events;
    private readonly PersistentVolumeBinderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PersistentVolumeClaimBinder(IObjectStore store, SharedInformerFactory informers, IEventRecorderFactory events,
        PersistentVolumeBinderOptions options, TimeProvider time, ILogger logger)
    {
        _store = store;
        _claims = informers.GetLister<PersistentVolumeClaim>();
        var volumes = informers.GetInformer<PersistentVolume>();
        volumes.AddIndexer(VolumeMatching.VolumesByClaim, static v => VolumeMatching.ClaimKeyOf(v) is { } key ? [key] : []);
        _volumes = volumes.Lister;
        _events = events.CreateRecorder(Name);
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var claim = _claims.Get(key);
        if (claim is null || claim.Metadata.DeletionTimestamp is not null) return ReconcileResult.Done;

        if (!string.IsNullOrEmpty(claim.Spec.VolumeName))
        {
            var named = _volumes.Get(null, claim.Spec.VolumeName);
            if (named is null)
            {
                if (claim.IsBound())
                {
                    await SetClaimPhaseAsync(claim, PersistentVolumeClaimPhase.Lost, null, cancellationToken).ConfigureAwait(false);
                    _events.Warning(claim, "ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!");
                }
                return ReconcileResult.Done;
            }
            if (named.Spec.ClaimRef is not null && !VolumeMatching.References(named, claim))
            {
                _events.Warning(claim, "FailedBinding", $"volume \"{named.Metadata.Name}\" already bound to a different claim.");
                return ReconcileResult.Done;
            }
            await BindAsync(named, claim, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        var volume = _volumes.ByIndex(VolumeMatching.VolumesByClaim, key.ToString())
                .FirstOrDefault(v => VolumeMatching.References(v, claim) && v.Metadata.DeletionTimestamp is null &&
                                     v.Status?.Phase is not (PersistentVolumePhase.Released or PersistentVolumePhase.Failed))
            ?? VolumeMatching.BestMatch(_volumes.List(), claim);
        if (volume is null && _options.DynamicProvisioning && claim.Spec.StorageClassName != "")
        {
            volume = await ProvisionAsync(claim, cancellationToken).ConfigureAwait(false);
        }
        if (volume is null)
        {
            _events.Normal(claim, "FailedBinding", "no persistent volumes available for this claim and no storage class is set");
            return ReconcileResult.Done;
        }
        await BindAsync(volume, claim, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    /// <summary>Reserves the volume for the claim, points the claim at it and marks both Bound.</summary>
    private async Task BindAsync(PersistentVolume volume, PersistentVolumeClaim claim, CancellationToken cancellationToken)
    {
        var claimRef = ObjectReference.For(claim) with { ResourceVersion = null };
        PersistentVolume reserved;
        try
        {
            reserved = await _store.UpdateWithRetryAsync<PersistentVolume>(null, volume.Metadata.Name!, current =>
            {
                if (current.Metadata.Uid != volume.Metadata.Uid) return null;
                if (current.Spec.ClaimRef is { } existing && VolumeMatching.References(current, claim) && existing.Uid == claim.Metadata.Uid) return null;
                if (current.Spec.ClaimRef is not null && !VolumeMatching.References(current, claim)) return null;
                var annotations = current.Spec.ClaimRef is null
                    ? current.Metadata.Annotations.ToImmutableDictionary().SetItem(VolumeMatching.BoundByController, "yes")
                    : current.Metadata.Annotations;
                return current with
                {
                    Metadata = current.Metadata with { Annotations = annotations },
                    Spec = current.Spec with { ClaimRef = claimRef },
                };
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return;
        }
        // Another claim won the volume: look again (the volume's update re-enqueues pending claims).
        if (reserved.Spec.ClaimRef?.Uid != claim.Metadata.Uid) return;

        PersistentVolumeClaim bound;
        try
        {
            bound = await _store.UpdateWithRetryAsync<PersistentVolumeClaim>(claim.Metadata.Namespace, claim.Metadata.Name!, current =>
            {
                if (current.Metadata.Uid != claim.Metadata.Uid) return null;
                if (current.Spec.VolumeName == reserved.Metadata.Name && current.Metadata.Annotations.ContainsKey(VolumeMatching.BindCompleted)) return null;
                if (!string.IsNullOrEmpty(current.Spec.VolumeName) && current.Spec.VolumeName != reserved.Metadata.Name) return null;
                var annotations = current.Metadata.Annotations.ToImmutableDictionary().SetItem(VolumeMatching.BindCompleted, "yes");
                if (string.IsNullOrEmpty(current.Spec.VolumeName)) annotations = annotations.SetItem(VolumeMatching.BoundByController, "yes");
                return current with
                {
                    Metadata = current.Metadata with { Annotations = annotations },
                    Spec = current.Spec with { VolumeName = reserved.Metadata.Name },
                };
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return;
        }
        if (bound.Spec.VolumeName != reserved.Metadata.Name) return;

        await SetVolumePhaseAsync(reserved, PersistentVolumePhase.Bound, cancellationToken).ConfigureAwait(false);
        var wasBound = bound.IsBound();
        await SetClaimPhaseAsync(bound, PersistentVolumeClaimPhase.Bound, reserved, cancellationToken).ConfigureAwait(false);
        if (!wasBound) VolumeBinderLog.Bound(_logger, ObjectKey.Of(claim).ToString(), reserved.Metadata.Name!);
    }

    /// <summary>Creates a hostPath volume reserved for the claim (and its directory); returns it, or null when the claim is gone.</summary>
    private async Task<PersistentVolume?> ProvisionAsync(PersistentVolumeClaim claim, CancellationToken cancellationToken)
    {
        var name = "pvc-" + claim.Metadata.Uid;
        var path = Path.Combine(_options.ProvisioningDirectory, name);
        var requested = claim.Spec.RequestedStorage() ?? Quantity.Parse("1Gi");
        var volume = new PersistentVolume
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Annotations = ImmutableDictionary<string, string>.Empty
                    .Add(VolumeMatching.ProvisionedBy, VolumeMatching.HostPathProvisioner)
                    .Add(VolumeMatching.BoundByController, "yes"),
            },
            Spec = new PersistentVolumeSpec
            {
                Capacity = ImmutableDictionary<string, Quantity>.Empty.Add(ResourceName.Storage, requested),
                AccessModes = claim.Spec.AccessModes.Count > 0 ? claim.Spec.AccessModes : [PersistentVolumeAccessMode.ReadWriteOnce],
                PersistentVolumeReclaimPolicy = PersistentVolumeReclaimPolicy.Delete,
                StorageClassName = claim.Spec.StorageClassName,
                VolumeMode = claim.Spec.VolumeMode,
                HostPath = new HostPathVolumeSource { Path = path, Type = "DirectoryOrCreate" },
                ClaimRef = ObjectReference.For(claim) with { ResourceVersion = null },
            },
        };
        if (_options.ManageDirectories) Directory.CreateDirectory(path);
        try
        {
            var created = await _store.CreateAsync<PersistentVolume>(volume, cancellationToken).ConfigureAwait(false);
            VolumeBinderLog.Provisioned(_logger, name, path, ObjectKey.Of(claim).ToString());
            _events.Normal(claim, "ProvisioningSucceeded", $"Successfully provisioned volume {name}");
            return created;
        }
        catch (AlreadyExistsException)
        {
            return await _store.GetAsync<PersistentVolume>(null, name, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SetVolumePhaseAsync(PersistentVolume volume, string phase, CancellationToken cancellationToken)
    {
        if (volume.Status?.Phase == phase) return;
        var now = _time.GetUtcNow();
        try
        {
            await _store.UpdateStatusWithRetryAsync<PersistentVolume>(null, volume.Metadata.Name!, current =>
                current.Metadata.Uid != volume.Metadata.Uid || current.Status?.Phase == phase
                    ? null
                    : current with { Status = (current.Status ?? new PersistentVolumeStatus()) with { Phase = phase, LastPhaseTransitionTime = now } },
                cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
        }
    }

    private async Task SetClaimPhaseAsync(PersistentVolumeClaim claim, string phase, PersistentVolume? volume, CancellationToken cancellationToken)
    {
        PersistentVolumeClaimStatus Desired(PersistentVolumeClaim current) => volume is null
            ? (current.Status ?? new PersistentVolumeClaimStatus()) with { Phase = phase }
            : (current.Status ?? new PersistentVolumeClaimStatus()) with
            {
                Phase = phase,
                AccessModes = volume.Spec.AccessModes,
                Capacity = volume.Spec.Capacity,
            };
        try
        {
            await _store.UpdateStatusWithRetryAsync<PersistentVolumeClaim>(claim.Metadata.Namespace, claim.Metadata.Name!, current =>
            {
                if (current.Metadata.Uid != claim.Metadata.Uid) return null;
                var status = Desired(current);
                return current.Status is { } existing && KubernetesJson.ContentEquals(existing, status) ? null : current with { Status = status };
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
        }
    }
}
