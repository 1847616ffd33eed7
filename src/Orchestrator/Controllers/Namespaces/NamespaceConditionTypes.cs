namespace Orchestrator.Controllers;

/// <summary>
/// The condition types, reasons and messages the namespace controller writes to a terminating namespace's
/// <c>status.conditions</c>, with Kubernetes' names.
/// </summary>
internal static class NamespaceConditionTypes
{
    /// <summary>True when the kinds of the API could not all be listed; always False here (every kind is known).</summary>
    public const string DeletionDiscoveryFailure = "NamespaceDeletionDiscoveryFailure";

    /// <summary>True when a group version could not be parsed; always False here.</summary>
    public const string DeletionGroupVersionParsingFailure = "NamespaceDeletionGroupVersionParsingFailure";

    /// <summary>True when deleting some content failed; the message lists the errors.</summary>
    public const string DeletionContentFailure = "NamespaceDeletionContentFailure";

    /// <summary>True while content remains; the message counts it per resource.</summary>
    public const string ContentRemaining = "NamespaceContentRemaining";

    /// <summary>True while remaining content has finalizers; the message counts them per finalizer.</summary>
    public const string FinalizersRemaining = "NamespaceFinalizersRemaining";

    /// <summary>The reason of <see cref="DeletionDiscoveryFailure"/> False.</summary>
    public const string ResourcesDiscovered = "ResourcesDiscovered";

    /// <summary>The reason of <see cref="DeletionGroupVersionParsingFailure"/> False.</summary>
    public const string ParsedGroupVersions = "ParsedGroupVersions";

    /// <summary>The reason of <see cref="DeletionContentFailure"/> True.</summary>
    public const string ContentDeletionFailed = "ContentDeletionFailed";

    /// <summary>The reason of <see cref="DeletionContentFailure"/> False.</summary>
    public const string ContentDeleted = "ContentDeleted";

    /// <summary>The reason of <see cref="ContentRemaining"/> True.</summary>
    public const string SomeResourcesRemain = "SomeResourcesRemain";

    /// <summary>The reason of <see cref="ContentRemaining"/> False.</summary>
    public const string ContentRemoved = "ContentRemoved";

    /// <summary>The reason of <see cref="FinalizersRemaining"/> True.</summary>
    public const string SomeFinalizersRemain = "SomeFinalizersRemain";

    /// <summary>The reason of <see cref="FinalizersRemaining"/> False.</summary>
    public const string ContentHasNoFinalizers = "ContentHasNoFinalizers";
}
