using Orchestrator.Api;

namespace Orchestrator.Store;

/// <summary>
/// The read side of the object store: get, list and watch. Most components depend on this alone.
/// </summary>
/// <remarks>
/// Every object returned is an immutable snapshot shared with other readers; change it with a <c>with</c>
/// expression and write the result through <see cref="IObjectWriter"/>. All members are thread-safe.
/// </remarks>
public interface IObjectReader
{
    /// <summary>
    /// Returns the object of kind <paramref name="kind"/> named <paramref name="name"/> in <paramref name="namespace"/>
    /// (null for cluster-scoped kinds), or null when it does not exist.
    /// </summary>
    ValueTask<KubernetesObject?> GetAsync(ResourceKind kind, string? @namespace, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists objects of <paramref name="kind"/> matching <paramref name="options"/>. The result is a consistent
    /// snapshot at its <see cref="ObjectList{T}.ResourceVersion"/>: a watch started from that version sees every later change.
    /// </summary>
    /// <exception cref="Api.Errors.BadRequestException">The options are invalid, e.g. an unsupported field selector.</exception>
    /// <exception cref="Api.Errors.ResourceExpiredException">A <see cref="ListOptions.Continue"/> token refers to expired history.</exception>
    ValueTask<ObjectList<KubernetesObject>> ListAsync(ResourceKind kind, ListOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Watches objects of <paramref name="kind"/>. Each subscription is an independent watch with these guarantees:
    /// <list type="bullet">
    /// <item>Without <see cref="WatchOptions.ResourceVersion"/> (or with <c>"0"</c>), it first delivers an
    /// <see cref="WatchEventType.Added"/> event for every matching object as it was when <c>Subscribe</c> returned, ordered by
    /// namespace and name, then every later change.</item>
    /// <item>With a resourceVersion, it delivers every change after that version exactly once, in resourceVersion order.</item>
    /// <item>A version older than the retained history fails the subscription at once with
    /// <see cref="Api.Errors.ResourceExpiredException"/>; relist and watch from the list's version.</item>
    /// <item>A subscriber that falls further behind than its buffer allows is failed with
    /// <see cref="Api.Errors.ResourceExpiredException"/>; it never slows writers or other watchers. It may resume from the
    /// last resourceVersion it received while that is still retained.</item>
    /// <item>With a selector, an object that stops matching is delivered as <see cref="WatchEventType.Deleted"/> (carrying its
    /// last matching state with the version of the change) and one that starts matching as <see cref="WatchEventType.Added"/>,
    /// as the Kubernetes watch cache does.</item>
    /// <item>With <see cref="WatchOptions.AllowBookmarks"/>, a caught-up watch periodically receives a
    /// <see cref="WatchEventType.Bookmark"/> whose resourceVersion it can resume from without missing a change.</item>
    /// <item>Events are delivered on a background thread, one at a time per subscription; disposing the subscription stops
    /// delivery. An observer that throws ends its own subscription only. Disposing the store completes every watch.</item>
    /// </list>
    /// </summary>
    /// <exception cref="Api.Errors.BadRequestException">A selector does not parse or names an unsupported field (thrown by this call).</exception>
    IObservable<WatchEvent<KubernetesObject>> Watch(ResourceKind kind, WatchOptions? options = null);

    /// <summary>The resourceVersion of the latest write to the store, for any kind.</summary>
    long CurrentResourceVersion { get; }
}
