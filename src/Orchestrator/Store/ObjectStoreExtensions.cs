using Orchestrator.Api;
using Orchestrator.Api.Errors;

namespace Orchestrator.Store;

/// <summary>
/// Typed access to the object store: the kind is taken from the type argument (see <see cref="ApiResources.For{T}"/>)
/// and results are of that type. Semantics and exceptions are those of <see cref="IObjectReader"/> and <see cref="IObjectWriter"/>.
/// </summary>
/// <remarks>
/// Write the type argument for the writes (<c>store.CreateAsync&lt;Pod&gt;(pod)</c>): without it C# binds to the untyped
/// interface method of the same name, which returns a <see cref="KubernetesObject"/>.
/// </remarks>
public static class ObjectStoreExtensions
{
    /// <summary>Returns the object named <paramref name="name"/> in <paramref name="namespace"/> (null for cluster-scoped kinds), or null.</summary>
    public static async ValueTask<T?> GetAsync<T>(this IObjectReader reader, string? @namespace, string name, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(reader);
        return (T?)await reader.GetAsync(KindOf<T>.Kind, @namespace, name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the object named <paramref name="name"/> in <paramref name="namespace"/>.</summary>
    /// <exception cref="NotFoundException">The object does not exist.</exception>
    public static async ValueTask<T> GetRequiredAsync<T>(this IObjectReader reader, string? @namespace, string name, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(reader);
        var kind = KindOf<T>.Kind;
        return (T?)await reader.GetAsync(kind, @namespace, name, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException(KindOf<T>.Resource, kind.Namespaced ? @namespace : null, name);
    }

    /// <summary>Lists objects of <typeparamref name="T"/>; see <see cref="IObjectReader.ListAsync"/>.</summary>
    public static async ValueTask<ObjectList<T>> ListAsync<T>(this IObjectReader reader, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(reader);
        var list = await reader.ListAsync(KindOf<T>.Kind, options, cancellationToken).ConfigureAwait(false);
        // The in-memory store already returns an array of the kind's type; other readers get their items copied.
        var items = list.Items as IReadOnlyList<T> ?? list.Items.Cast<T>().ToArray();
        return new ObjectList<T>(items, list.ResourceVersion, list.Continue, list.RemainingItemCount);
    }

    /// <summary>Watches objects of <typeparamref name="T"/>; see <see cref="IObjectReader.Watch"/>.</summary>
    public static IObservable<WatchEvent<T>> Watch<T>(this IObjectReader reader, WatchOptions? options = null)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new TypedWatchObservable<T>(reader.Watch(KindOf<T>.Kind, options));
    }

    /// <summary>Creates <paramref name="obj"/> and returns the stored object; see <see cref="IObjectWriter.CreateAsync"/>.</summary>
    public static async ValueTask<T> CreateAsync<T>(this IObjectWriter writer, T obj, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(writer);
        return (T)await writer.CreateAsync((KubernetesObject)obj, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Updates <paramref name="obj"/> and returns the stored object; see <see cref="IObjectWriter.UpdateAsync"/>.</summary>
    public static async ValueTask<T> UpdateAsync<T>(this IObjectWriter writer, T obj, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(writer);
        return (T)await writer.UpdateAsync((KubernetesObject)obj, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the status of <paramref name="obj"/> and returns the stored object; see <see cref="IObjectWriter.UpdateStatusAsync"/>.</summary>
    public static async ValueTask<T> UpdateStatusAsync<T>(this IObjectWriter writer, T obj, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(writer);
        return (T)await writer.UpdateStatusAsync((KubernetesObject)obj, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes the object named <paramref name="name"/>; returns it when it stays (being deleted) or null when it was
    /// removed. See <see cref="IObjectWriter.DeleteAsync"/>.
    /// </summary>
    public static async ValueTask<T?> DeleteAsync<T>(this IObjectWriter writer, string? @namespace, string name, DeleteOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(writer);
        return (T?)await writer.DeleteAsync(KindOf<T>.Kind, @namespace, name, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the object, applies <paramref name="mutate"/> and writes the result with the read resourceVersion as a
    /// precondition; on a conflict it reads again and reapplies <paramref name="mutate"/>, until the write succeeds. This
    /// is client-go's <c>RetryOnConflict</c> and the way controllers should change objects.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="namespace">The namespace; null for cluster-scoped kinds.</param>
    /// <param name="name">The object name.</param>
    /// <param name="mutate">
    /// Returns the changed object (normally <c>obj with { ... }</c>), or null to leave the object as it is. It may run
    /// several times and must not have side effects beyond computing the result. Its status is ignored, as with
    /// <see cref="IObjectWriter.UpdateAsync"/>.
    /// </param>
    /// <param name="cancellationToken">Stops retrying.</param>
    /// <returns>The stored object after the update, or the current object when <paramref name="mutate"/> returned null.</returns>
    /// <exception cref="NotFoundException">The object does not exist (or was deleted while retrying).</exception>
    public static ValueTask<T> UpdateWithRetryAsync<T>(this IObjectStore store, string? @namespace, string name, Func<T, T?> mutate,
        CancellationToken cancellationToken = default)
        where T : KubernetesObject =>
        RetryOnConflictAsync(store, @namespace, name, mutate, status: false, cancellationToken);

    /// <summary>
    /// Like <see cref="UpdateWithRetryAsync{T}"/> for the status: <paramref name="mutate"/> returns the object with its new
    /// status (or null for no change), which is written with <see cref="IObjectWriter.UpdateStatusAsync"/>.
    /// </summary>
    /// <exception cref="NotFoundException">The object does not exist (or was deleted while retrying).</exception>
    public static ValueTask<T> UpdateStatusWithRetryAsync<T>(this IObjectStore store, string? @namespace, string name, Func<T, T?> mutate,
        CancellationToken cancellationToken = default)
        where T : KubernetesObject =>
        RetryOnConflictAsync(store, @namespace, name, mutate, status: true, cancellationToken);

    private static async ValueTask<T> RetryOnConflictAsync<T>(IObjectStore store, string? @namespace, string name, Func<T, T?> mutate, bool status,
        CancellationToken cancellationToken)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(mutate);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = await store.GetRequiredAsync<T>(@namespace, name, cancellationToken).ConfigureAwait(false);
            var changed = mutate(current);
            if (changed is null) return current;
            try
            {
                return status
                    ? await store.UpdateStatusAsync<T>(changed, cancellationToken).ConfigureAwait(false)
                    : await store.UpdateAsync<T>(changed, cancellationToken).ConfigureAwait(false);
            }
            catch (ConflictException)
            {
                // Another writer won; its change is committed, so retrying at once always makes progress overall.
                // Yielding lets that writer's own follow-up run before this one reads again.
                await Task.Yield();
            }
        }
    }

    /// <summary>The kind of <typeparamref name="T"/>, looked up once.</summary>
    private static class KindOf<T> where T : KubernetesObject
    {
        public static readonly ResourceKind Kind = ApiResources.For<T>();

        public static readonly string Resource = Kind.Group.Length == 0 ? Kind.Plural : $"{Kind.Plural}.{Kind.Group}";
    }
}
