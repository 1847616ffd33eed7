namespace Orchestrator.Store;

/// <summary>Options shared by list and watch: scope and selectors.</summary>
public abstract record QueryOptions
{
    /// <summary>Only objects in this namespace; null for every namespace (and for cluster-scoped kinds).</summary>
    public string? Namespace { get; init; }

    /// <summary>Only objects whose labels match, in Kubernetes syntax (<c>app=web,tier in (fe,be)</c>); null for all.</summary>
    public string? LabelSelector { get; init; }

    /// <summary>Only objects whose fields match, e.g. <c>spec.nodeName=node-1,status.phase!=Running</c>; null for all.</summary>
    public string? FieldSelector { get; init; }
}

/// <summary>Options for <see cref="IObjectReader.ListAsync"/>.</summary>
public sealed record ListOptions : QueryOptions
{
    /// <summary>At most this many items per page; 0 for no limit. A page that is cut returns a <see cref="ObjectList{T}.Continue"/> token.</summary>
    public int Limit { get; init; }

    /// <summary>The token from the previous page; the next page is read at the same resourceVersion.</summary>
    public string? Continue { get; init; }
}

/// <summary>Options for <see cref="IObjectReader.Watch"/>.</summary>
public sealed record WatchOptions : QueryOptions
{
    /// <summary>Deliver changes after this version; null or empty to start with the current state (as Added events).</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>When true, periodic <see cref="WatchEventType.Bookmark"/> events carry the latest resourceVersion.</summary>
    public bool AllowBookmarks { get; init; }
}

/// <summary>How dependents are treated when their owner is deleted.</summary>
public static class PropagationPolicy
{
    /// <summary>Delete the owner now; the garbage collector deletes dependents afterwards (the default).</summary>
    public const string Background = "Background";

    /// <summary>The owner stays (with the <c>foregroundDeletion</c> finalizer) until dependents that block it are gone.</summary>
    public const string Foreground = "Foreground";

    /// <summary>Delete the owner and leave dependents (the <c>orphan</c> finalizer removes their owner references).</summary>
    public const string Orphan = "Orphan";
}

/// <summary>Options for <see cref="IObjectWriter.DeleteAsync"/>.</summary>
public sealed record DeleteOptions
{
    /// <summary>Seconds before a Pod is killed; null for the Pod's own terminationGracePeriodSeconds; 0 deletes at once.</summary>
    public long? GracePeriodSeconds { get; init; }

    /// <summary>One of <see cref="Store.PropagationPolicy"/>; null means Background.</summary>
    public string? PropagationPolicy { get; init; }

    /// <summary>When set, delete only if the stored object has this uid.</summary>
    public string? PreconditionUid { get; init; }

    /// <summary>When set, delete only if the stored object has this resourceVersion.</summary>
    public string? PreconditionResourceVersion { get; init; }
}
