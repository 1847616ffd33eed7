using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Api;

namespace Orchestrator.ApiServer.Http;

/// <summary>Reads request bodies into API objects (strictly or leniently) and writes objects as JSON nodes.</summary>
internal static class ObjectCodec
{
    // Fields the endpoints set themselves: managed fields follow the field-manager rules (see ManagedFieldsAfterWrite).
    private static readonly string[] IgnoredMetadata = ["managedFields", "selfLink"];

    public static JsonNode ToNode(KubernetesObject obj) =>
        JsonSerializer.SerializeToNode(obj, obj.GetType(), KubernetesJson.Options)!;

    public static JsonObject ParseObject(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw StatusError.BadRequest("the request body must be a JSON object");
        }
        catch (JsonException ex)
        {
            throw StatusError.BadRequest($"the request body is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>
    /// Converts <paramref name="node"/> into <paramref name="kind"/>'s record. With <paramref name="strict"/>, an unknown field
    /// fails with Kubernetes' "strict decoding error" (400); otherwise unknown fields are dropped.
    /// </summary>
    public static KubernetesObject FromNode(JsonObject node, ResourceKind kind, bool strict)
    {
        if (node["metadata"] is JsonObject metadata)
        {
            foreach (var field in IgnoredMetadata) metadata.Remove(field);
        }
        var apiVersion = node["apiVersion"]?.GetValue<string>();
        var kindName = node["kind"]?.GetValue<string>();
        if ((apiVersion is not null && apiVersion != kind.ApiVersion) || (kindName is not null && kindName != kind.Kind))
        {
            throw StatusError.BadRequest(
                $"the API version in the data ({apiVersion}) and kind ({kindName}) do not match the request ({kind.ApiVersion} {kind.Kind})");
        }
        node["apiVersion"] = kind.ApiVersion;
        node["kind"] = kind.Kind;
        try
        {
            return (KubernetesObject)(node.Deserialize(kind.ClrType, strict ? KubernetesJson.Options : KubernetesJson.LenientOptions)
                ?? throw StatusError.BadRequest("the object is null"));
        }
        catch (JsonException ex)
        {
            var path = (ex.Path ?? "$").TrimStart('$').TrimStart('.');
            var problem = ex.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? $"strict decoding error: unknown field \"{UnknownField(ex.Message, path)}\""
                : $"{path}: {FirstSentence(ex.Message)}";
            throw StatusError.BadRequest($"{kind.Kind} in version \"{kind.Version}\" cannot be handled as a {kind.Kind}: {problem}");
        }
    }

    private static string UnknownField(string message, string path)
    {
        // "The JSON property 'foo' could not be mapped to any .NET member contained in type '...'."
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        var field = start >= 0 && end > start ? message[(start + 1)..end] : "?";
        return path.Length == 0 || path.EndsWith(field, StringComparison.Ordinal) ? (path.Length == 0 ? field : path) : $"{path}.{field}";
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
