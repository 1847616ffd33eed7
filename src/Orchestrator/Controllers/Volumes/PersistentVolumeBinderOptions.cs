namespace Orchestrator.Controllers;

/// <summary>
/// Configuration of the volume binder registered by
/// <see cref="PersistentVolumeBinderServiceCollectionExtensions.AddPersistentVolumeBinder"/>.
/// </summary>
public sealed class PersistentVolumeBinderOptions
{
    /// <summary>
    /// When true (the default), a claim that no existing volume satisfies, and whose <c>storageClassName</c> is not the
    /// empty string (which asks for pre-provisioned volumes only), gets a new <c>hostPath</c> volume named
    /// <c>pvc-&lt;claim uid&gt;</c> under <see cref="ProvisioningDirectory"/>, with reclaim policy <c>Delete</c>.
    /// </summary>
    public bool DynamicProvisioning { get; set; } = true;

    /// <summary>
    /// The directory under which provisioned volumes get their own subdirectory (<c>&lt;dir&gt;/pvc-&lt;uid&gt;</c>); the
    /// directory of a provisioned volume is created with it and deleted with it. Defaults to
    /// <c>&lt;temp&gt;/orchestrator/volumes</c>. The node agents of an embedded cluster share the host's file system, so every
    /// node sees the same directory.
    /// </summary>
    public string ProvisioningDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "orchestrator", "volumes");

    /// <summary>
    /// When true (the default), the binder creates and deletes the directories of the volumes it provisions; set false when
    /// the runtime manages them (for example a simulated runtime that never touches the disk).
    /// </summary>
    public bool ManageDirectories { get; set; } = true;
}
