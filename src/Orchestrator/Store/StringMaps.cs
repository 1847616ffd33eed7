using System.Collections.Immutable;

namespace Orchestrator.Store;

/// <summary>
/// Enumeration of label and annotation maps without a boxed enumerator for the usual concrete types, for the write path.
/// </summary>
internal static class StringMaps
{
    /// <summary>True when <paramref name="predicate"/> holds for every pair of <paramref name="map"/>.</summary>
    public static bool All<TState>(IReadOnlyDictionary<string, string> map, TState state, Func<string, string, TState, bool> predicate)
    {
        switch (map)
        {
            case ImmutableDictionary<string, string> immutable:
                foreach (var (key, value) in immutable)
                {
                    if (!predicate(key, value, state)) return false;
                }
                return true;
            case Dictionary<string, string> dictionary:
                foreach (var (key, value) in dictionary)
                {
                    if (!predicate(key, value, state)) return false;
                }
                return true;
            default:
                foreach (var (key, value) in map)
                {
                    if (!predicate(key, value, state)) return false;
                }
                return true;
        }
    }

    /// <summary>The total length of every key and value of <paramref name="map"/>, in UTF-16 chars.</summary>
    public static long CharCount(IReadOnlyDictionary<string, string> map)
    {
        long count = 0;
        switch (map)
        {
            case ImmutableDictionary<string, string> immutable:
                foreach (var (key, value) in immutable) count += key.Length + value.Length;
                break;
            case Dictionary<string, string> dictionary:
                foreach (var (key, value) in dictionary) count += key.Length + value.Length;
                break;
            default:
                foreach (var (key, value) in map) count += key.Length + value.Length;
                break;
        }
        return count;
    }
}
