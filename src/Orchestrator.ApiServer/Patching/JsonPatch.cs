using System.Text.Json.Nodes;
using Orchestrator.ApiServer.Http;

namespace Orchestrator.ApiServer.Patching;

/// <summary>JSON patch (RFC 6902): add, remove, replace, move, copy and test, addressed by JSON pointers.</summary>
internal static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonNode? patch)
    {
        if (patch is not JsonArray operations) throw StatusError.BadRequest("a JSON patch must be an array of operations");
        var root = document.DeepClone();
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op) throw StatusError.BadRequest("a JSON patch operation must be an object");
            var name = op["op"]?.GetValue<string>();
            var path = op["path"]?.GetValue<string>() ?? throw StatusError.BadRequest("a JSON patch operation needs a path");
            switch (name)
            {
                case "add": root = Add(root, path, op["value"]?.DeepClone()); break;
                case "remove": root = Remove(root, path, out _); break;
                case "replace": root = Remove(root, path, out _); root = Add(root, path, op["value"]?.DeepClone()); break;
                case "move":
                    var from = op["from"]?.GetValue<string>() ?? throw StatusError.BadRequest("move needs from");
                    root = Remove(root, from, out var moved);
                    root = Add(root, path, moved);
                    break;
                case "copy":
                    var source = op["from"]?.GetValue<string>() ?? throw StatusError.BadRequest("copy needs from");
                    root = Add(root, path, Get(root, source)?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(root, path), op["value"]))
                    {
                        throw new StatusError(422, "Invalid", $"the test operation at {path} failed");
                    }
                    break;
                default: throw StatusError.BadRequest($"unknown JSON patch operation \"{name}\"");
            }
        }
        return root;
    }

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw StatusError.BadRequest($"invalid JSON pointer \"{pointer}\"");
        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
    }

    private static JsonNode? Get(JsonNode root, string pointer)
    {
        JsonNode? current = root;
        foreach (var token in Tokens(pointer))
        {
            current = current switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new StatusError(422, "Invalid", $"the path \"{pointer}\" does not exist"),
            };
        }
        return current;
    }

    private static JsonNode Add(JsonNode root, string pointer, JsonNode? value)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0) return value ?? throw StatusError.BadRequest("cannot replace the document with null");
        var parent = tokens.Length == 1 ? root : Get(root, "/" + string.Join('/', tokens[..^1].Select(Escape)));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a:
                if (last == "-") a.Add(value);
                else if (int.TryParse(last, out var index) && index >= 0 && index <= a.Count) a.Insert(index, value);
                else throw new StatusError(422, "Invalid", $"the array index in \"{pointer}\" is out of range");
                break;
            default: throw new StatusError(422, "Invalid", $"the path \"{pointer}\" does not exist");
        }
        return root;
    }

    private static JsonNode Remove(JsonNode root, string pointer, out JsonNode? removed)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0) throw StatusError.BadRequest("cannot remove the whole document");
        var parent = tokens.Length == 1 ? root : Get(root, "/" + string.Join('/', tokens[..^1].Select(Escape)));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out removed):
                o.Remove(last);
                return root;
            case JsonArray a when int.TryParse(last, out var index) && index >= 0 && index < a.Count:
                removed = a[index];
                a.RemoveAt(index);
                return root;
            default: throw new StatusError(422, "Invalid", $"the path \"{pointer}\" does not exist");
        }
    }

    private static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
