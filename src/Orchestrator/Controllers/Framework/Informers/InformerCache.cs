using Orchestrator.Api;
using Orchestrator.Api.Selectors;

namespace Orchestrator.Controllers;

/// <summary>
/// The indexed object cache behind an informer's lister. Only the informer writes it (one writer at a time); readers
/// and index registration may run concurrently. Index functions run under the cache lock and must be pure; one that
/// throws indexes the object under no value and the exception is reported to the callback given at construction.
/// </summary>
internal sealed class InformerCache<T> : ILister<T> where T : KubernetesObject
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ObjectKey, T> _items = [];
    private readonly Dictionary<string, Index> _indexes = new(StringComparer.Ordinal);
    private readonly Action<string, Exception> _onIndexError;

    public InformerCache(Action<string, Exception>? onIndexError = null)
    {
        _onIndexError = onIndexError ?? ((_, _) => { });
        AddIndexer(IndexNames.Namespace, static o => [o.Metadata.Namespace ?? ""]);
        AddIndexer(IndexNames.Label, static o => o.Metadata.Labels.Select(static l => $"{l.Key}={l.Value}"));
        AddIndexer(IndexNames.OwnerUid, static o => o.Metadata.OwnerReferences.Select(static r => r.Uid));
    }

    public int Count
    {
        get
        {
            lock (_gate) return _items.Count;
        }
    }

    /// <summary>Adds an index built from the current contents; false when the name exists (the existing one is kept).</summary>
    public bool AddIndexer(string indexName, Func<T, IEnumerable<string>> indexFunc)
    {
        ArgumentException.ThrowIfNullOrEmpty(indexName);
        ArgumentNullException.ThrowIfNull(indexFunc);
        lock (_gate)
        {
            if (_indexes.ContainsKey(indexName)) return false;
            var index = new Index(indexName, indexFunc, _onIndexError);
            foreach (var (key, item) in _items) index.Add(key, item);
            _indexes.Add(indexName, index);
            return true;
        }
    }

    public T? Get(string? @namespace, string name)
    {
        lock (_gate) return _items.GetValueOrDefault(new ObjectKey(@namespace ?? "", name));
    }

    public IReadOnlyList<T> List(string? @namespace = null, Selector? selector = null)
    {
        if (selector is { IsNothing: true }) return [];
        var result = new List<T>();
        lock (_gate)
        {
            // Narrow the scan with an index: an exact label match of the selector, else the namespace.
            IEnumerable<ObjectKey>? candidates = null;
            if (selector?.ExactMatches is [var (key, value), ..])
            {
                candidates = _indexes[IndexNames.Label].Lookup($"{key}={value}");
            }
            else if (@namespace is not null)
            {
                candidates = _indexes[IndexNames.Namespace].Lookup(@namespace);
            }
            if (candidates is null)
            {
                foreach (var item in _items.Values)
                {
                    if (Matches(item, @namespace, selector)) result.Add(item);
                }
            }
            else
            {
                foreach (var candidate in candidates)
                {
                    var item = _items[candidate];
                    if (Matches(item, @namespace, selector)) result.Add(item);
                }
            }
        }
        result.Sort(Compare);
        return result;
    }

    public IReadOnlyList<T> ByIndex(string indexName, string indexedValue)
    {
        List<T> result;
        lock (_gate)
        {
            if (!_indexes.TryGetValue(indexName, out var index))
            {
                throw new ArgumentException($"The {typeof(T).Name} informer has no index \"{indexName}\".", nameof(indexName));
            }
            result = [.. index.Lookup(indexedValue).Select(k => _items[k])];
        }
        result.Sort(Compare);
        return result;
    }

    /// <summary>Every cached object, in no particular order.</summary>
    public T[] Snapshot()
    {
        lock (_gate) return [.. _items.Values];
    }

    /// <summary>Every cached key.</summary>
    public ObjectKey[] Keys()
    {
        lock (_gate) return [.. _items.Keys];
    }

    /// <summary>Stores <paramref name="item"/>, returning the state it replaced, or null when it is new.</summary>
    public T? Upsert(T item)
    {
        var key = ObjectKey.Of(item);
        lock (_gate)
        {
            if (_items.TryGetValue(key, out var old))
            {
                foreach (var index in _indexes.Values) index.Remove(key, old);
            }
            _items[key] = item;
            foreach (var index in _indexes.Values) index.Add(key, item);
            return old;
        }
    }

    /// <summary>Removes the object with <paramref name="key"/>, returning its last state, or null when it was not cached.</summary>
    public T? Remove(ObjectKey key)
    {
        lock (_gate)
        {
            if (!_items.Remove(key, out var old)) return null;
            foreach (var index in _indexes.Values) index.Remove(key, old);
            return old;
        }
    }

    private static bool Matches(T item, string? @namespace, Selector? selector) =>
        (@namespace is null || (item.Metadata.Namespace ?? "") == @namespace) &&
        (selector is null || selector.Matches(item.Metadata.Labels));

    private static int Compare(T a, T b)
    {
        var byNamespace = string.CompareOrdinal(a.Metadata.Namespace, b.Metadata.Namespace);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
    }

    private sealed class Index(string name, Func<T, IEnumerable<string>> indexFunc, Action<string, Exception> onError)
    {
        private readonly Dictionary<string, HashSet<ObjectKey>> _keysByValue = new(StringComparer.Ordinal);

        public IEnumerable<ObjectKey> Lookup(string value) =>
            _keysByValue.TryGetValue(value, out var keys) ? keys : [];

        public void Add(ObjectKey key, T item)
        {
            foreach (var value in Values(item))
            {
                if (!_keysByValue.TryGetValue(value, out var keys)) _keysByValue[value] = keys = [];
                keys.Add(key);
            }
        }

        public void Remove(ObjectKey key, T item)
        {
            foreach (var value in Values(item))
            {
                if (_keysByValue.TryGetValue(value, out var keys) && keys.Remove(key) && keys.Count == 0)
                {
                    _keysByValue.Remove(value);
                }
            }
        }

        private string[] Values(T item)
        {
            try
            {
                return [.. indexFunc(item)];
            }
            catch (Exception ex)
            {
                onError(name, ex);
                return [];
            }
        }
    }
}
