using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Orchestrator.Manifests;

/// <summary>
/// Finds fields in a JSON tree that the target type does not have, using the serializer's own contract, so that every
/// unknown field is reported at once with its path (the serializer alone stops at the first).
/// </summary>
internal static class SchemaWalker
{
    /// <summary>Calls <paramref name="onUnknown"/> with the JSON path and name of every unknown field under <paramref name="node"/>.</summary>
    public static void FindUnknownFields(JsonNode? node, Type type, JsonSerializerOptions options, string path, Action<string, string> onUnknown)
    {
        if (node is null) return;
        var info = options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when node is JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    var property = FindProperty(info, name);
                    var childPath = YamlToJson.ChildPath(path, name);
                    if (property is null) onUnknown(childPath, name);
                    else FindUnknownFields(value, property.PropertyType, options, childPath, onUnknown);
                }
                break;
            case JsonTypeInfoKind.Enumerable when node is JsonArray array && info.ElementType is { } elementType:
                for (var i = 0; i < array.Count; i++) FindUnknownFields(array[i], elementType, options, $"{path}[{i}]", onUnknown);
                break;
            case JsonTypeInfoKind.Dictionary when node is JsonObject map && info.ElementType is { } valueType:
                foreach (var (key, value) in map) FindUnknownFields(value, valueType, options, YamlToJson.ChildPath(path, key), onUnknown);
                break;
        }
    }

    private static JsonPropertyInfo? FindProperty(JsonTypeInfo info, string name)
    {
        foreach (var property in info.Properties)
        {
            if (property.Name == name) return property;
        }
        return null;
    }
}
