using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>The kind-independent view of an informer: whether its cache has synced.</summary>
public interface IInformer
{
    /// <summary>The kind this informer lists and watches.</summary>
    ResourceKind Kind { get; }

    /// <summary>True once the first list has been loaded into the cache (and stays true across relists).</summary>
    bool HasSynced { get; }

    /// <summary>Completes when <see cref="HasSynced"/> becomes true.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    Task WaitForSyncAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Lists and watches one kind, keeps a local indexed cache of it (<see cref="Lister"/>) and tells registered handlers
/// about every change (client-go <c>SharedIndexInformer</c>). Obtain one from <see cref="SharedInformerFactory"/>; a
/// process has one informer per kind, shared by all its controllers.
/// </summary>
/// <remarks>
/// Guarantees to handlers:
/// <list type="bullet">
/// <item>The cache is updated before handlers are told, so a lister read in or after a handler sees the change.</item>
/// <item>Notifications are delivered one at a time per informer, in the order of the changes; there is no order across
/// informers of different kinds.</item>
/// <item>A handler registered late first receives an add for every object already cached, then the later changes.</item>
/// <item>Intermediate states may be skipped (after a relist, only the difference is notified), but the last state of
/// every object is notified; a delete carries the last state the informer knew.</item>
/// <item>With a resync period, every cached object is re-notified periodically as an update whose old and new object are
/// the same instance.</item>
/// </list>
/// Handlers run on the informer's delivery thread and must be fast and non-blocking: they should only enqueue keys. An
/// exception from a handler is logged and does not stop delivery to it or to other handlers.
/// </remarks>
/// <typeparam name="T">The object type.</typeparam>
public interface IInformer<T> : IInformer where T : KubernetesObject
{
    /// <summary>Reads the local cache.</summary>
    ILister<T> Lister { get; }

    /// <summary>Registers handlers for changes; dispose the result to unregister (no call starts after disposal returns).</summary>
    /// <param name="onAdd">Called with each object that appears in the cache.</param>
    /// <param name="onUpdate">Called with the old and the new state of each object that changed.</param>
    /// <param name="onDelete">Called with the last known state of each object that left the cache.</param>
    IDisposable AddEventHandler(Action<T>? onAdd = null, Action<T, T>? onUpdate = null, Action<T>? onDelete = null);

    /// <summary>
    /// Adds an index to the cache, queried with <see cref="ILister{T}.ByIndex"/>. <paramref name="indexFunc"/> returns
    /// the values under which an object is indexed; it must be pure and fast. The name identifies the index: adding a
    /// name that exists is a no-op, so each controller sharing an informer can add the indexes it uses, at any time.
    /// </summary>
    void AddIndexer(string indexName, Func<T, IEnumerable<string>> indexFunc);
}
