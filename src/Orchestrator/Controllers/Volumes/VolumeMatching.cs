using Orchestrator.Api;
using Orchestrator.Api.Selectors;

namespace Orchestrator.Controllers;

/// <summary>
/// Which persistent volume satisfies a claim (Kubernetes <c>findBestMatchForClaim</c> and <c>checkVolumeSatisfyClaim</c>),
/// and the annotations and indexes the binder uses.
/// </summary>
internal static class VolumeMatching
{
    /// <summary>Annotation on a claim whose binding the binder completed.</summary>
    public const string BindCompleted = "pv.kubernetes.io/bind-completed";

    /// <summary>Annotation on a claim or volume bound by the binder rather than pre-bound by the user.</summary>
    public const string BoundByController = "pv.kubernetes.io/bound-by-controller";

    /// <summary>Annotation on a provisioned volume naming its provisioner.</summary>
    public const string ProvisionedBy = "pv.kubernetes.io/provisioned-by";

    /// <summary>The provisioner name of the binder's hostPath volumes.</summary>
    public const string HostPathProvisioner = "orchestrator.io/hostpath";

    /// <summary>Index of volumes by the <c>namespace/name</c> of the claim they reference.</summary>
    public const string VolumesByClaim = "volumes:claimRef";

    /// <summary>The key a volume is indexed under in <see cref="VolumesByClaim"/>, or null when it references no claim.</summary>
    public static string? ClaimKeyOf(PersistentVolume volume) =>
        volume.Spec.ClaimRef is { Name: { Length: > 0 } name } reference ? $"{reference.Namespace}/{name}" : null;

    /// <summary>True when the volume references <paramref name="claim"/> (by name, and by uid when the reference has one).</summary>
    public static bool References(PersistentVolume volume, PersistentVolumeClaim claim) =>
        volume.Spec.ClaimRef is { } reference &&
        reference.Name == claim.Metadata.Name && (reference.Namespace ?? "") == (claim.Metadata.Namespace ?? "") &&
        (string.IsNullOrEmpty(reference.Uid) || reference.Uid == claim.Metadata.Uid);

    /// <summary>
    /// True when an unclaimed <paramref name="volume"/> can hold <paramref name="claim"/>: same storage class (unset counts
    /// as the empty class) and volume mode, every requested access mode, at least the requested storage, and labels matching
    /// the claim's selector.
    /// </summary>
    public static bool Satisfies(PersistentVolume volume, PersistentVolumeClaim claim)
    {
        if (volume.Metadata.DeletionTimestamp is not null) return false;
        if (volume.Status?.Phase is PersistentVolumePhase.Released or PersistentVolumePhase.Failed) return false;
        if ((volume.Spec.StorageClassName ?? "") != (claim.Spec.StorageClassName ?? "")) return false;
        if (volume.Spec.VolumeMode != claim.Spec.VolumeMode) return false;
        if (!claim.Spec.AccessModes.All(volume.Spec.AccessModes.Contains)) return false;
        var requested = claim.Spec.RequestedStorage() ?? Quantity.Zero;
        if (!volume.Spec.Capacity.TryGetValue(ResourceName.Storage, out var capacity) || capacity < requested) return false;
        if (claim.Spec.Selector is { } selector)
        {
            try
            {
                if (!Selector.FromLabelSelector(selector).Matches(volume.Metadata.Labels)) return false;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The smallest unclaimed volume that satisfies the claim, or null.</summary>
    public static PersistentVolume? BestMatch(IEnumerable<PersistentVolume> volumes, PersistentVolumeClaim claim) =>
        volumes
            .Where(v => v.Spec.ClaimRef is null && Satisfies(v, claim))
            .OrderBy(v => v.Spec.Capacity.TryGetValue(ResourceName.Storage, out var c) ? c : Quantity.Zero)
            .ThenBy(v => v.Metadata.Name, StringComparer.Ordinal)
            .FirstOrDefault();
}
