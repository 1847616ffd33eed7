using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// Keeps the phase of persistent volumes and reclaims released ones (the volume half of Kubernetes' PersistentVolume
/// controller).
/// </summary>
/// <remarks>
/// A volume without a claim reference is <c>Available</c>. A volume whose claim (matched by uid) was deleted is released:
/// with reclaim policy <c>Delete</c> the volume is deleted (with its directory when the binder provisioned it under
/// <see cref="PersistentVolumeBinderOptions.ProvisioningDirectory"/>); with <c>Retain</c> (and the deprecated
/// <c>Recycle</c>) it becomes <c>Released</c> and keeps its data until an administrator deletes it or clears its claim
/// reference. A volume pre-bound by name to a claim that does not exist yet just waits.
/// </remarks>
internal sealed class PersistentVolumeReclaimer : IReconciler
{
    /// <summary>The controller name, in logs and metrics.</summary>
    public const string Name = "persistentvolume-reclaimer";

    private readonly IObjectStore _store;
    private readonly ILister<PersistentVolume> _volumes;
    private readonly ILister<PersistentVolumeClaim> _claims;
    private readonly PersistentVolumeBinderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PersistentVolumeReclaimer(IObjectStore store, SharedInformerFactory informers, PersistentVolumeBinderOptions options, TimeProvider time, ILogger logger)
    {
        _store = store;
        _volumes = informers.GetLister<PersistentVolume>();
        _claims = informers.GetLister<PersistentVolumeClaim>();
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var volume = _volumes.Get(key);
        if (volume is null || volume.Metadata.DeletionTimestamp is not null) return ReconcileResult.Done;
        if (volume.Spec.ClaimRef is not { } reference)
        {
            await SetPhaseAsync(volume, PersistentVolumePhase.Available, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        var claim = _claims.Get(reference.Namespace, reference.Name ?? "");
        if (claim is not null && (string.IsNullOrEmpty(reference.Uid) || claim.Metadata.Uid == reference.Uid))
        {
            if (claim.Spec.VolumeName == volume.Metadata.Name) await SetPhaseAsync(volume, PersistentVolumePhase.Bound, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        if (string.IsNullOrEmpty(reference.Uid)) return ReconcileResult.Done;

        // The claim is gone, or was replaced by another of the same name: the volume is released. Make sure of it first,
        // since the cache may simply not have seen the claim yet.
        var stored = await _store.GetAsync<PersistentVolumeClaim>(reference.Namespace, reference.Name ?? "", cancellationToken).ConfigureAwait(false);
        if (stored?.Metadata.Uid == reference.Uid) return ReconcileResult.Done;

        VolumeBinderLog.Released(_logger, volume.Metadata.Name!, $"{reference.Namespace}/{reference.Name}", volume.Spec.PersistentVolumeReclaimPolicy);
        if (volume.Spec.PersistentVolumeReclaimPolicy == PersistentVolumeReclaimPolicy.Delete)
        {
            try
            {
                await _store.DeleteAsync<PersistentVolume>(null, volume.Metadata.Name!, new DeleteOptions { PreconditionUid = volume.Metadata.Uid },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
            }
            DeleteProvisionedDirectory(volume);
            return ReconcileResult.Done;
        }
        await SetPhaseAsync(volume, PersistentVolumePhase.Released, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    /// <summary>Deletes the directory of a volume this binder provisioned, when it lies under the provisioning directory.</summary>
    private void DeleteProvisionedDirectory(PersistentVolume volume)
    {
        if (!_options.ManageDirectories || volume.Spec.HostPath?.Path is not { Length: > 0 } path) return;
        if (!volume.Metadata.Annotations.TryGetValue(VolumeMatching.ProvisionedBy, out var provisioner) || provisioner != VolumeMatching.HostPathProvisioner) return;
        var root = Path.GetFullPath(_options.ProvisioningDirectory) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(path);
        if (!full.StartsWith(root, StringComparison.Ordinal)) return;
        try
        {
            if (Directory.Exists(full)) Directory.Delete(full, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            VolumeBinderLog.DirectoryNotDeleted(_logger, e, full, volume.Metadata.Name!);
        }
    }

    private async Task SetPhaseAsync(PersistentVolume volume, string phase, CancellationToken cancellationToken)
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
}
