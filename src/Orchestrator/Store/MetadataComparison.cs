using Orchestrator.Api;

namespace Orchestrator.Store;

/// <summary>Cheap content comparisons of metadata, used to recognise writes that change nothing.</summary>
internal static class MetadataComparison
{
    private static readonly Func<string, string, IReadOnlyDictionary<string, string>, bool> ContainsPair = static (key, value, other) =>
        other.TryGetValue(key, out var found) && string.Equals(value, found, StringComparison.Ordinal);

    /// <summary>
    /// True when the fields a client controls (generateName, labels, annotations, owner references, finalizers) have the
    /// same content. Name and namespace are the key and equal by construction; the store-owned fields are not compared.
    /// </summary>
    public static bool ClientFieldsEqual(ObjectMeta a, ObjectMeta b)
    {
        if (ReferenceEquals(a, b)) return true;
        return string.Equals(a.GenerateName ?? "", b.GenerateName ?? "", StringComparison.Ordinal) &&
            MapsEqual(a.Labels, b.Labels) &&
            MapsEqual(a.Annotations, b.Annotations) &&
            ListsEqual(a.OwnerReferences, b.OwnerReferences) &&
            ListsEqual(a.Finalizers, b.Finalizers) &&
            ListsEqual(a.ManagedFields, b.ManagedFields);
    }

    /// <summary>True when both maps hold the same pairs.</summary>
    public static bool MapsEqual(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        if (ReferenceEquals(a, b)) return true;
        return a.Count == b.Count && StringMaps.All(a, b, ContainsPair);
    }


    /// <summary>True when both lists hold equal elements in the same order.</summary>
    public static bool ListsEqual<T>(IReadOnlyList<T> a, IReadOnlyList<T> b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.Count != b.Count) return false;
        var comparer = EqualityComparer<T>.Default;
        for (var i = 0; i < a.Count; i++)
        {
            if (!comparer.Equals(a[i], b[i])) return false;
        }
        return true;
    }

    /// <summary>The entries of <paramref name="after"/> that <paramref name="before"/> does not contain.</summary>
    public static List<string> Added(IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        var added = new List<string>();
        foreach (var item in after)
        {
            if (!before.Contains(item)) added.Add(item);
        }
        return added;
    }
}
