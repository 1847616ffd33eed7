using Orchestrator.Api;

namespace Orchestrator.Store;

/// <summary>The type of a watch event, as in the Kubernetes watch API.</summary>
public enum WatchEventType
{
    /// <summary>The object was created, or started matching the watch's selectors.</summary>
    Added,

    /// <summary>The object was changed.</summary>
    Modified,

    /// <summary>The object was removed, or stopped matching; carries its last state.</summary>
    Deleted,

    /// <summary>No change; <see cref="WatchEvent{T}.ResourceVersion"/> tells how far the watch has progressed.</summary>
    Bookmark,
}

/// <summary>One change seen by a watch.</summary>
/// <typeparam name="T">The object type.</typeparam>
/// <param name="Type">What happened.</param>
/// <param name="Object">The object after the change; for <see cref="WatchEventType.Deleted"/> its last state; for a bookmark,
/// an object of the watched kind whose only meaningful field is <c>metadata.resourceVersion</c>.</param>
public readonly record struct WatchEvent<T>(WatchEventType Type, T Object) where T : KubernetesObject
{
    /// <summary>The resourceVersion of this event, from which a new watch can resume.</summary>
    public string ResourceVersion => Object.Metadata.ResourceVersion ?? "";
}

/// <summary>A page of objects read at one resourceVersion.</summary>
/// <typeparam name="T">The object type.</typeparam>
/// <param name="Items">The objects, ordered by namespace then name.</param>
/// <param name="ResourceVersion">The store version the page was read at; watch from it to follow changes.</param>
/// <param name="Continue">A token for the next page, or null when this is the last.</param>
/// <param name="RemainingItemCount">How many items follow this page, when known.</param>
public sealed record ObjectList<T>(IReadOnlyList<T> Items, string ResourceVersion, string? Continue = null, long? RemainingItemCount = null)
    where T : KubernetesObject;
