using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Manifests;

/// <summary>
/// Converts a YAML node tree into JSON nodes the way kubectl does (sigs.k8s.io/yaml: YAML 1.1 scalars), remembering
/// where each JSON path came from so that errors can name a line and column.
/// </summary>
internal static partial class YamlToJson
{
    /// <summary>Appended to a path to find where its key (rather than its value) was written.</summary>
    public const string KeySuffix = "#key";

    /// <summary>Converts <paramref name="root"/>; <paramref name="positions"/> receives one entry per path (<c>$.spec.replicas</c>).</summary>
    public static JsonNode? Convert(YamlNode root, Dictionary<string, Mark> positions) => Convert(root, "$", positions);

    private static JsonNode? Convert(YamlNode node, string path, Dictionary<string, Mark> positions)
    {
        positions.TryAdd(path, node.Start);
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    var key = keyNode is YamlScalarNode scalarKey ? scalarKey.Value ?? "" : keyNode.ToString();
                    if (key == "<<" && valueNode is YamlMappingNode merged)
                    {
                        // YAML merge key: copy the referenced mapping's entries that are not set explicitly.
                        foreach (var (k, v) in merged.Children)
                        {
                            var mergedKey = ((YamlScalarNode)k).Value ?? "";
                            if (!mapping.Children.ContainsKey(new YamlScalarNode(mergedKey)) && !obj.ContainsKey(mergedKey))
                                obj[mergedKey] = Convert(v, ChildPath(path, mergedKey), positions);
                        }
                        continue;
                    }
                    if (obj.ContainsKey(key))
                        throw new YamlException(keyNode.Start, keyNode.End, $"mapping key \"{key}\" already defined");
                    var childPath = ChildPath(path, key);
                    positions.TryAdd(childPath + KeySuffix, keyNode.Start);
                    obj[key] = Convert(valueNode, childPath, positions);
                }
                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                var index = 0;
                foreach (var item in sequence.Children) array.Add(Convert(item, $"{path}[{index++}]", positions));
                return array;
            case YamlScalarNode scalar:
                return ConvertScalar(scalar);
            default:
                return null;
        }
    }

    /// <summary>The JSON path System.Text.Json reports for a property, e.g. <c>$.metadata.labels['app.kubernetes.io/name']</c>.</summary>
    public static string ChildPath(string parent, string key) =>
        key.AsSpan().IndexOfAny(PathSpecialCharacters) < 0 ? $"{parent}.{key}" : $"{parent}['{key}']";

    // The characters for which System.Text.Json writes a property as ['name'] in JsonException.Path.
    private static readonly System.Buffers.SearchValues<char> PathSpecialCharacters =
        System.Buffers.SearchValues.Create(".'/\"[]() \t\n\r\f\b\\\u0085\u2028\u2029");

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any) || !scalar.Tag.IsEmpty && scalar.Tag.Value == "tag:yaml.org,2002:str")
            return JsonValue.Create(text);
        return ResolvePlain(text);
    }

    /// <summary>True when a plain (unquoted) scalar with this text would not be read as a string.</summary>
    public static bool ResolvesToNonString(string text) =>
        text.Length == 0 || text != text.Trim() || ResolvePlain(text) is not JsonValue value || value.GetValueKind() != System.Text.Json.JsonValueKind.String;

    private static JsonNode? ResolvePlain(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "y" or "Y":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "n" or "N":
                return JsonValue.Create(false);
        }

        if (IntegerPattern().IsMatch(text) && long.TryParse(text.Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return JsonValue.Create(integer);
        if (text.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex))
            return JsonValue.Create(hex);
        if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
            return JsonValue.Create(real);
        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^[-+]?[0-9][0-9_]*$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
