using Orchestrator.Api;
using Orchestrator.Api.Selectors;

namespace Orchestrator.Controllers;

/// <summary>
/// Reads an informer's local cache: the objects of one kind as of the last watch event the informer processed.
/// </summary>
/// <remarks>
/// Reads are cheap, thread-safe and never touch the store, so reconcilers read from listers rather than the store. The
/// cache may lag the store slightly; a write based on a stale read fails with a conflict and the key is retried.
/// Returned objects are the shared immutable snapshots; lists are new arrays, ordered by namespace then name. Before the
/// informer has synced (<see cref="IInformer.HasSynced"/>) the cache may be incomplete.
/// </remarks>
/// <typeparam name="T">The object type.</typeparam>
public interface ILister<T> where T : KubernetesObject
{
    /// <summary>The object named <paramref name="name"/> in <paramref name="namespace"/> (null or empty for cluster-scoped kinds), or null.</summary>
    T? Get(string? @namespace, string name);

    /// <summary>The object identified by <paramref name="key"/>, or null.</summary>
    T? Get(ObjectKey key) => Get(key.Namespace, key.Name);

    /// <summary>
    /// The objects in <paramref name="namespace"/> (every namespace when null) whose labels match
    /// <paramref name="selector"/> (every object when null).
    /// </summary>
    IReadOnlyList<T> List(string? @namespace = null, Selector? selector = null);

    /// <summary>
    /// The objects whose index <paramref name="indexName"/> contains <paramref name="indexedValue"/>: built-in
    /// <see cref="IndexNames.Namespace"/>, <see cref="IndexNames.Label"/> and <see cref="IndexNames.OwnerUid"/>, or one
    /// added with <see cref="IInformer{T}.AddIndexer"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No index has that name.</exception>
    IReadOnlyList<T> ByIndex(string indexName, string indexedValue);
}
