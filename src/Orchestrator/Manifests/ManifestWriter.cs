using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orchestrator.Api;

namespace Orchestrator.Manifests;

/// <summary>
/// Writes API objects as Kubernetes YAML in kubectl's block style; strings that YAML would read as another type
/// (<c>"true"</c>, <c>"8080"</c>, <c>""</c>) are quoted and multi-line strings use literal blocks, so the output reads back unchanged.
/// </summary>
public static partial class ManifestWriter
{
    /// <summary>Writes one object as a YAML document.</summary>
    public static string ToYaml(KubernetesObject obj)
    {
        var builder = new StringBuilder();
        WriteNode(builder, JsonSerializer.SerializeToNode(obj, obj.GetType(), KubernetesJson.Options), 0);
        return builder.ToString();
    }

    /// <summary>Writes several objects as a multi-document YAML stream separated by <c>---</c>.</summary>
    public static string ToYaml(IEnumerable<KubernetesObject> objects) => string.Join("---\n", objects.Select(ToYaml));

    /// <summary>Writes any JSON tree as block-style YAML.</summary>
    internal static string ToYaml(JsonNode? node)
    {
        var builder = new StringBuilder();
        WriteNode(builder, node, 0);
        return builder.ToString();
    }

    private static void WriteNode(StringBuilder builder, JsonNode? node, int indent)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                WriteMapping(builder, obj, indent, firstLineIndented: true);
                break;
            case JsonArray array when array.Count > 0:
                WriteSequence(builder, array, indent);
                break;
            default:
                builder.Append(' ', indent).Append(Scalar(node, indent)).Append('\n');
                break;
        }
    }

    private static void WriteMapping(StringBuilder builder, JsonObject obj, int indent, bool firstLineIndented)
    {
        var first = true;
        foreach (var (key, value) in obj)
        {
            if (!first || firstLineIndented) builder.Append(' ', indent);
            first = false;
            builder.Append(Key(key)).Append(':');
            WriteValue(builder, value, indent, indentSequence: false);
        }
    }

    private static void WriteSequence(StringBuilder builder, JsonArray array, int indent)
    {
        foreach (var item in array)
        {
            builder.Append(' ', indent).Append('-');
            if (item is JsonObject { Count: > 0 } obj)
            {
                builder.Append(' ');
                WriteMapping(builder, obj, indent + 2, firstLineIndented: false);
            }
            else if (item is JsonArray { Count: > 0 } nested)
            {
                builder.Append('\n');
                WriteSequence(builder, nested, indent + 2);
            }
            else
            {
                builder.Append(' ').Append(Scalar(item, indent + 2)).Append('\n');
            }
        }
    }

    private static void WriteValue(StringBuilder builder, JsonNode? value, int indent, bool indentSequence)
    {
        switch (value)
        {
            case JsonObject { Count: > 0 } child:
                builder.Append('\n');
                WriteMapping(builder, child, indent + 2, firstLineIndented: true);
                break;
            case JsonArray { Count: > 0 } array:
                builder.Append('\n');
                // kubectl writes sequences under a key at the key's indentation.
                WriteSequence(builder, array, indentSequence ? indent + 2 : indent);
                break;
            default:
                builder.Append(' ').Append(Scalar(value, indent + 2)).Append('\n');
                break;
        }
    }

    private static string Key(string key) => NeedsQuotes(key) ? JsonSerializer.Serialize(key) : key;

    private static string Scalar(JsonNode? node, int indent)
    {
        switch (node)
        {
            case null:
                return "null";
            case JsonObject:
                return "{}";
            case JsonArray:
                return "[]";
        }

        var element = node.GetValue<JsonElement>();
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                var text = element.GetString()!;
                if (text.Contains('\n') && !text.Contains('\r') && !text.Contains('\t') && !HasTrailingSpaceOnLine(text))
                    return LiteralBlock(text, indent);
                return NeedsQuotes(text) ? JsonSerializer.Serialize(text, QuoteOptions) : text;
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            default:
                return element.GetRawText();
        }
    }

    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string LiteralBlock(string text, int indent)
    {
        var chomp = text.EndsWith("\n\n", StringComparison.Ordinal) ? "+" : text.EndsWith('\n') ? "" : "-";
        var body = text.EndsWith('\n') ? text[..^1] : text;
        if (chomp == "+") body = text[..^1];
        var pad = new string(' ', indent);
        var lines = body.Split('\n').Select(line => line.Length == 0 ? "" : pad + line);
        var indicator = body.StartsWith(' ') ? "2" : "";
        return $"|{indicator}{chomp}\n" + string.Join('\n', lines);
    }

    private static bool HasTrailingSpaceOnLine(string text) => text.Split('\n').Any(line => line.EndsWith(' '));

    // Plain scalars are written only when YAML 1.1 reads them back as the same string.
    private static bool NeedsQuotes(string text) =>
        !PlainSafe().IsMatch(text) || YamlToJson.ResolvesToNonString(text);

    [GeneratedRegex(@"^[A-Za-z0-9_./$(][^:#\n\r\t""'`{}\[\],&*!|>%@]*$")]
    private static partial Regex PlainSafe();
}
