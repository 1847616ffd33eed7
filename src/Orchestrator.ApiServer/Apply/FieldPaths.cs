using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.ApiServer.Patching;

namespace Orchestrator.ApiServer.Apply;

/// <summary>
/// Field paths as server-side apply tracks them, and their <c>FieldsV1</c> form. A path is a sequence of elements joined by
/// <see cref="Separator"/>: <c>f:&lt;field&gt;</c> (an object field or map key), <c>k:{"name":"web"}</c> (a list item by its
/// merge key), <c>v:&lt;json&gt;</c> (a member of a set-like primitive list) and <c>.</c> (the list item itself). A set holds the
/// leaves of an object (primitives, atomic lists, empty objects) and one <c>.</c> path per keyed list item.
/// </summary>
internal static class FieldPaths
{
    public const char Separator = '\u001f';

    // Identity and server-owned metadata are never owned by a field manager.
    private static readonly HashSet<string> SystemMetadata =
    [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "managedFields", "selfLink",
    ];

    /// <summary>The owned paths of <paramref name="obj"/>: everything but status, or only status when <paramref name="status"/>.</summary>
    public static HashSet<string> Of(JsonObject obj, bool status)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            if (key is "apiVersion" or "kind" || (key == "status") != status) continue;
            if (key == "metadata" && value is JsonObject metadata)
            {
                foreach (var (field, fieldValue) in metadata)
                {
                    if (!SystemMetadata.Contains(field)) Walk(field, fieldValue, "f:metadata", set);
                }
                continue;
            }
            Walk(key, value, "", set);
        }
        return set;
    }

    private static void Walk(string field, JsonNode? value, string prefix, HashSet<string> set)
    {
        var path = Join(prefix, "f:" + field);
        switch (value)
        {
            case JsonObject o when o.Count > 0:
                foreach (var (key, child) in o) Walk(key, child, path, set);
                break;
            case JsonArray a when a.Count > 0 && KeyedBy(field, a) is { } mergeKey:
                foreach (var item in a.OfType<JsonObject>())
                {
                    var itemPath = Join(path, ItemElement(item, mergeKey));
                    set.Add(Join(itemPath, "."));
                    foreach (var (key, child) in item) Walk(key, child, itemPath, set);
                }
                break;
            case JsonArray a when a.Count > 0 && StrategicMergePatch.IsSetList(field):
                foreach (var item in a) set.Add(Join(path, "v:" + (item?.ToJsonString() ?? "null")));
                break;
            default:
                set.Add(path);
                break;
        }
    }

    private static string? KeyedBy(string field, JsonArray list) =>
        StrategicMergePatch.MergeKeyFor(field, list, []) is { } key && list.All(e => e is JsonObject o && o[key] is JsonValue) ? key : null;

    private static string ItemElement(JsonObject item, string mergeKey) =>
        "k:" + new JsonObject { [mergeKey] = item[mergeKey]!.DeepClone() }.ToJsonString();

    private static string Join(string prefix, string element) => prefix.Length == 0 ? element : prefix + Separator + element;

    /// <summary>True when <paramref name="path"/> is the merge-key field of a list item, which stays while the item does.</summary>
    public static bool IsItemKey(string path)
    {
        var last = path.LastIndexOf(Separator);
        if (last < 0 || !path.AsSpan(last + 1).StartsWith("f:")) return false;
        var parentStart = path.LastIndexOf(Separator, last - 1) + 1;
        var parent = path.AsSpan(parentStart, last - parentStart);
        return parent.StartsWith("k:{\"") && parent[4..].StartsWith(path.AsSpan(last + 3)) && parent[(4 + path.Length - last - 3)..].StartsWith("\":");
    }

    /// <summary>Finds the value at <paramref name="path"/>; a <c>.</c> path resolves to its list item.</summary>
    public static bool TryResolve(JsonNode? root, string path, out JsonNode? value)
    {
        var current = root;
        foreach (var element in path.Split(Separator))
        {
            if (!TryStep(current, element, out current, out _, out _))
            {
                value = null;
                return false;
            }
        }
        value = current;
        return true;
    }

    private static bool TryStep(JsonNode? current, string element, out JsonNode? next, out JsonArray? list, out int index)
    {
        next = null;
        list = null;
        index = -1;
        if (element == ".")
        {
            next = current;
            return true;
        }
        if (element.StartsWith("f:", StringComparison.Ordinal))
        {
            return current is JsonObject o && o.TryGetPropertyValue(element[2..], out next);
        }
        if (current is not JsonArray array) return false;
        list = array;
        if (element.StartsWith("k:", StringComparison.Ordinal) && JsonNode.Parse(element[2..]) is JsonObject key)
        {
            index = IndexOf(array, item => item is JsonObject o && key.All(p => JsonNode.DeepEquals(o[p.Key], p.Value)));
        }
        else if (element.StartsWith("v:", StringComparison.Ordinal))
        {
            var wanted = JsonNode.Parse(element[2..]);
            index = IndexOf(array, item => JsonNode.DeepEquals(item, wanted));
        }
        if (index < 0) return false;
        next = array[index];
        return true;
    }

    private static int IndexOf(JsonArray array, Func<JsonNode?, bool> match)
    {
        for (var i = 0; i < array.Count; i++)
        {
            if (match(array[i])) return i;
        }
        return -1;
    }

    /// <summary>Removes the value at <paramref name="path"/> (the whole list item for a <c>.</c> path); no-op when absent.</summary>
    public static void Remove(JsonObject root, string path)
    {
        var elements = path.Split(Separator);
        if (elements[^1] == ".") elements = elements[..^1];
        JsonNode? current = root;
        for (var i = 0; i < elements.Length - 1; i++)
        {
            if (!TryStep(current, elements[i], out current, out _, out _)) return;
        }
        var last = elements[^1];
        if (last.StartsWith("f:", StringComparison.Ordinal))
        {
            (current as JsonObject)?.Remove(last[2..]);
        }
        else if (TryStep(current, last, out _, out var list, out var index))
        {
            list!.RemoveAt(index);
        }
    }

    /// <summary>The <c>FieldsV1</c> trie of <paramref name="paths"/>: nested objects keyed by path element, leaves empty.</summary>
    public static JsonElement ToFieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            var node = root;
            foreach (var element in path.Split(Separator))
            {
                if (node[element] is not JsonObject child)
                {
                    child = new JsonObject();
                    node[element] = child;
                }
                node = child;
            }
        }
        return JsonSerializer.SerializeToElement(root);
    }

    /// <summary>The paths of a <c>FieldsV1</c> trie (the inverse of <see cref="ToFieldsV1"/>).</summary>
    public static HashSet<string> FromFieldsV1(JsonElement? fields)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (fields is { ValueKind: JsonValueKind.Object } root) Collect(root, "", set);
        return set;
    }

    private static void Collect(JsonElement node, string prefix, HashSet<string> set)
    {
        foreach (var property in node.EnumerateObject())
        {
            var path = Join(prefix, property.Name);
            if (property.Value.ValueKind != JsonValueKind.Object || !property.Value.EnumerateObject().Any()) set.Add(path);
            else Collect(property.Value, path, set);
        }
    }

    /// <summary>A path as Kubernetes prints it in conflicts, e.g. <c>.spec.template.spec.containers[name="web"].image</c>.</summary>
    public static string Display(string path)
    {
        var text = new StringBuilder();
        foreach (var element in path.Split(Separator))
        {
            if (element == ".") continue;
            if (element.StartsWith("f:", StringComparison.Ordinal))
            {
                text.Append('.').Append(element, 2, element.Length - 2);
            }
            else if (element.StartsWith("k:", StringComparison.Ordinal) && JsonNode.Parse(element[2..]) is JsonObject key)
            {
                text.Append('[').AppendJoin(',', key.Select(p => $"{p.Key}={p.Value?.ToJsonString()}")).Append(']');
            }
            else if (element.StartsWith("v:", StringComparison.Ordinal))
            {
                text.Append("[=").Append(element, 2, element.Length - 2).Append(']');
            }
        }
        return text.ToString();
    }
}
