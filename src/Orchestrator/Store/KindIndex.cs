using System.Runtime.InteropServices;
using Orchestrator.Api;

namespace Orchestrator.Store;

/// <summary>
/// Secondary indexes of one kind: by namespace, by every label <c>key=value</c>, and by the indexed fields of the kind
/// (<c>spec.nodeName</c> for pods), so that equality selectors read only their candidates. Not thread-safe: mutated
/// and read under the kind's lock.
/// </summary>
/// <remarks>
/// A bucket holding one object stores the slot itself and becomes a <see cref="HashSet{T}"/> at the second, which keeps
/// labels with a unique value per object (such as a StatefulSet pod name) cheap.
/// </remarks>
internal sealed class KindIndex
{
    private static readonly Dictionary<string, string[]> IndexedFields = new(StringComparer.Ordinal)
    {
        ["Pod"] = ["spec.nodeName"],
    };

    private readonly Dictionary<string, object>? _byNamespace;
    private readonly Dictionary<string, Dictionary<string, object>> _byLabel = new(StringComparer.Ordinal);
    private readonly string[] _fields;
    private readonly Dictionary<string, object>[] _byField;

    public KindIndex(ResourceKind kind)
    {
        _byNamespace = kind.Namespaced ? new Dictionary<string, object>(StringComparer.Ordinal) : null;
        _fields = IndexedFields.GetValueOrDefault(kind.Kind) ?? [];
        _byField = new Dictionary<string, object>[_fields.Length];
        for (var i = 0; i < _fields.Length; i++) _byField[i] = new Dictionary<string, object>(StringComparer.Ordinal);
    }

    public void Add(ObjectSlot slot, KubernetesObject obj)
    {
        if (_byNamespace is not null) AddTo(_byNamespace, slot.Key.Namespace, slot);
        foreach (var (key, value) in obj.Metadata.Labels) AddLabel(key, value, slot);
        for (var i = 0; i < _fields.Length; i++) AddTo(_byField[i], obj.GetFieldValue(_fields[i]) ?? "", slot);
    }

    public void Remove(ObjectSlot slot, KubernetesObject obj)
    {
        if (_byNamespace is not null) RemoveFrom(_byNamespace, slot.Key.Namespace, slot);
        foreach (var (key, value) in obj.Metadata.Labels) RemoveLabel(key, value, slot);
        for (var i = 0; i < _fields.Length; i++) RemoveFrom(_byField[i], obj.GetFieldValue(_fields[i]) ?? "", slot);
    }

    public void Update(ObjectSlot slot, KubernetesObject previous, KubernetesObject current)
    {
        var before = previous.Metadata.Labels;
        var after = current.Metadata.Labels;
        if (!ReferenceEquals(before, after))
        {
            foreach (var (key, value) in before)
            {
                if (!after.TryGetValue(key, out var now) || !string.Equals(now, value, StringComparison.Ordinal)) RemoveLabel(key, value, slot);
            }
            foreach (var (key, value) in after)
            {
                if (!before.TryGetValue(key, out var old) || !string.Equals(old, value, StringComparison.Ordinal)) AddLabel(key, value, slot);
            }
        }
        for (var i = 0; i < _fields.Length; i++)
        {
            var old = previous.GetFieldValue(_fields[i]) ?? "";
            var now = current.GetFieldValue(_fields[i]) ?? "";
            if (string.Equals(old, now, StringComparison.Ordinal)) continue;
            RemoveFrom(_byField[i], old, slot);
            AddTo(_byField[i], now, slot);
        }
    }

    /// <summary>
    /// The slots that can match <paramref name="filter"/>, from its most selective indexed equality term; null when no
    /// index applies (scan everything). <paramref name="allMatch"/> is true when that term is the whole filter, so every
    /// candidate matches; otherwise the caller evaluates the filter on each candidate.
    /// </summary>
    public ObjectSlot[]? Candidates(WatchFilter filter, out bool allMatch)
    {
        allMatch = false;
        var found = false;
        object? best = null;
        var bestCount = int.MaxValue;

        void Consider(Dictionary<string, object>? bucketMap, string value)
        {
            var bucket = bucketMap is not null && bucketMap.TryGetValue(value, out var b) ? b : null;
            var count = bucket switch { null => 0, ObjectSlot => 1, HashSet<ObjectSlot> set => set.Count, _ => 0 };
            found = true;
            if (count < bestCount)
            {
                best = bucket;
                bestCount = count;
            }
        }

        if (filter.Namespace is { } ns && _byNamespace is not null) Consider(_byNamespace, ns);
        foreach (var (key, value) in filter.Labels.ExactMatches)
        {
            Consider(_byLabel.GetValueOrDefault(key), value);
        }
        foreach (var (field, value) in filter.Fields.ExactMatches)
        {
            var i = Array.IndexOf(_fields, field);
            if (i >= 0) Consider(_byField[i], value);
            else if (field == "metadata.namespace" && _byNamespace is not null) Consider(_byNamespace, value);
        }
        if (!found) return null;
        allMatch = filter.TermCount == 1;
        return best switch
        {
            ObjectSlot slot => [slot],
            HashSet<ObjectSlot> set => [.. set],
            _ => [],
        };
    }

    private void AddLabel(string key, string value, ObjectSlot slot)
    {
        ref var values = ref CollectionsMarshal.GetValueRefOrAddDefault(_byLabel, key, out _);
        values ??= new Dictionary<string, object>(StringComparer.Ordinal);
        AddTo(values, value, slot);
    }

    private void RemoveLabel(string key, string value, ObjectSlot slot)
    {
        if (!_byLabel.TryGetValue(key, out var values)) return;
        RemoveFrom(values, value, slot);
        if (values.Count == 0) _byLabel.Remove(key);
    }

    private static void AddTo(Dictionary<string, object> map, string value, ObjectSlot slot)
    {
        ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(map, value, out var exists);
        if (!exists)
        {
            bucket = slot;
        }
        else if (bucket is ObjectSlot single)
        {
            if (!ReferenceEquals(single, slot)) bucket = new HashSet<ObjectSlot> { single, slot };
        }
        else
        {
            ((HashSet<ObjectSlot>)bucket!).Add(slot);
        }
    }

    private static void RemoveFrom(Dictionary<string, object> map, string value, ObjectSlot slot)
    {
        ref var bucket = ref CollectionsMarshal.GetValueRefOrNullRef(map, value);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref bucket)) return;
        if (bucket is HashSet<ObjectSlot> set)
        {
            // A set is not turned back into a single slot: buckets that shrink tend to grow again.
            if (set.Remove(slot) && set.Count == 0) map.Remove(value);
        }
        else if (ReferenceEquals(bucket, slot))
        {
            map.Remove(value);
        }
    }
}
