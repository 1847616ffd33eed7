using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Api;
using Orchestrator.Api.Defaulting;
using Orchestrator.Api.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Manifests;

/// <summary>
/// Reads Kubernetes manifests: single or multi-document YAML, or JSON, with <c>kind: List</c> expanded.
/// Every document is checked completely (syntax, kind, unknown fields, types, then the kind's validation rules) and
/// every problem is reported with its source, document, line, column and field; nothing is returned when any document is bad.
/// </summary>
/// <example>
/// <code>
/// var documents = ManifestReader.Parse(File.ReadAllText("app.yaml"), "app.yaml");
/// foreach (var doc in documents) Console.WriteLine($"{doc.Object.Kind}/{doc.Object.Metadata.Name}");
/// </code>
/// </example>
public static partial class ManifestReader
{
    /// <summary>Reads every object in <paramref name="text"/>.</summary>
    /// <param name="text">YAML or JSON; several YAML documents are separated by <c>---</c>.</param>
    /// <param name="source">A name for error messages, such as the file name.</param>
    /// <param name="options">Reading options; strict unknown-field handling when null.</param>
    /// <exception cref="ManifestException">Any document is invalid; lists every problem.</exception>
    public static IReadOnlyList<ManifestDocument> Parse(string text, string source = "<string>", ManifestOptions? options = null)
    {
        options ??= new ManifestOptions();
        var errors = new List<ManifestError>();
        var documents = new List<ManifestDocument>();

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var documentIndex = CountDocumentsBefore(text, e.Start.Line);
            throw new ManifestException([new ManifestError(source, documentIndex, (int)e.Start.Line, (int)e.Start.Column, null, Describe(e))], e);
        }

        for (var i = 0; i < stream.Documents.Count; i++)
        {
            var root = stream.Documents[i].RootNode;
            if (root is YamlScalarNode { Value: null or "" }) continue; // an empty document, e.g. a trailing '---'
            var positions = new Dictionary<string, Mark>();
            JsonNode? json;
            try
            {
                json = YamlToJson.Convert(root, positions);
            }
            catch (YamlException e)
            {
                errors.Add(new ManifestError(source, i + 1, (int)e.Start.Line, (int)e.Start.Column, null, e.Message));
                continue;
            }
            var context = new DocumentContext(source, i + 1, positions, options, errors);
            ReadDocument(json, "$", context, documents, (int)root.Start.Line);
        }

        if (errors.Count > 0) throw new ManifestException(errors);
        return documents;
    }

    /// <summary>Reads every object in the file at <paramref name="path"/>.</summary>
    /// <exception cref="ManifestException">Any document is invalid; lists every problem.</exception>
    public static async Task<IReadOnlyList<ManifestDocument>> ParseFileAsync(string path, ManifestOptions? options = null, CancellationToken cancellationToken = default)
    {
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(text, path, options);
    }

    private sealed record DocumentContext(
        string Source, int Document, Dictionary<string, Mark> Positions, ManifestOptions Options, List<ManifestError> Errors)
    {
        public ManifestError Error(string jsonPath, string message, string? obj = null, bool field = true, bool atKey = false)
        {
            var mark = atKey && Positions.TryGetValue(jsonPath + YamlToJson.KeySuffix, out var keyMark) ? keyMark : Locate(jsonPath);
            var fieldName = field && jsonPath.Length > 2 ? jsonPath[2..] : null;
            return new ManifestError(Source, Document, (int)mark.Line, (int)mark.Column, fieldName, message, obj);
        }

        // The position of a path, or of its nearest ancestor that appeared in the YAML.
        private Mark Locate(string jsonPath)
        {
            for (var path = jsonPath; path.Length > 0; path = Parent(path))
            {
                if (Positions.TryGetValue(path, out var mark)) return mark;
            }
            return Mark.Empty;
        }

        private static string Parent(string path)
        {
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            return cut <= 0 ? (path == "$" ? "" : "$") : path[..cut];
        }
    }

    private static void ReadDocument(JsonNode? json, string path, DocumentContext context, List<ManifestDocument> documents, int line)
    {
        if (json is not JsonObject obj)
        {
            context.Errors.Add(context.Error(path, "a manifest document must be a mapping with apiVersion, kind and metadata", field: false));
            return;
        }

        var apiVersion = (obj["apiVersion"] as JsonValue)?.TryGetValue<string>(out var v) == true ? v : null;
        var kindName = (obj["kind"] as JsonValue)?.TryGetValue<string>(out var k) == true ? k : null;
        if (apiVersion is null || kindName is null)
        {
            var missing = string.Join(", ", new[] { apiVersion is null ? "apiVersion not set" : null, kindName is null ? "kind not set" : null }.OfType<string>());
            context.Errors.Add(context.Error(path, missing, field: false));
            return;
        }

        if (kindName == "List" && apiVersion == "v1")
        {
            if (obj["items"] is JsonArray items)
            {
                for (var i = 0; i < items.Count; i++) ReadDocument(items[i], $"{path}.items[{i}]", context, documents, line);
            }
            return;
        }

        var kind = ApiResources.Find(apiVersion, kindName);
        if (kind is null)
        {
            var known = ApiResources.All.Where(r => r.Kind == kindName).Select(r => r.ApiVersion).ToList();
            var message = known.Count > 0
                ? $"no matches for kind \"{kindName}\" in version \"{apiVersion}\"; {kindName} is served as {string.Join(", ", known)}"
                : $"no matches for kind \"{kindName}\" in version \"{apiVersion}\"; supported: {ApiResources.Supported}";
            context.Errors.Add(context.Error(path + ".kind", message, field: false));
            return;
        }

        var name = (obj["metadata"]?["name"] as JsonValue)?.ToString() ?? (obj["metadata"]?["generateName"] as JsonValue)?.ToString();
        var label = $"{kind.Kind} \"{name}\"";
        var warnings = new List<ManifestError>();
        var errorsBefore = context.Errors.Count;

        if (context.Options.UnknownFields != UnknownFieldHandling.Ignore)
        {
            SchemaWalker.FindUnknownFields(obj, kind.ClrType, KubernetesJson.LenientOptions, path, (fieldPath, field) =>
            {
                var problem = context.Error(fieldPath, $"unknown field \"{field}\"", label, atKey: true);
                if (context.Options.UnknownFields == UnknownFieldHandling.Strict) context.Errors.Add(problem);
                else warnings.Add(problem);
            });
        }
        if (context.Errors.Count > errorsBefore) return;

        KubernetesObject value;
        try
        {
            value = (KubernetesObject)(obj.Deserialize(kind.ClrType, KubernetesJson.LenientOptions)
                ?? throw new JsonException("document is null"));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            var errorPath = e is JsonException { Path: { } p } ? Rebase(path, p) : path;
            context.Errors.Add(context.Error(errorPath, DescribeJsonError(e), label));
            return;
        }

        if (kind.Namespaced && string.IsNullOrEmpty(value.Metadata.Namespace))
            value = value with { Metadata = value.Metadata with { Namespace = context.Options.DefaultNamespace } };

        foreach (var error in ObjectValidator.Validate(ObjectDefaulter.ApplyDefaults(value)))
            context.Errors.Add(context.Error(ToJsonPath(path, error.Field), error.Reason, label) with { Field = error.Field });

        if (context.Errors.Count == errorsBefore)
            documents.Add(new ManifestDocument(value, context.Source, context.Document, line, warnings));
    }

    // Kubernetes field paths (spec.containers[0].image) to the JSON paths positions are recorded under.
    private static string ToJsonPath(string root, string field)
    {
        var path = root;
        foreach (var part in field.Split('.'))
        {
            var bracket = part.IndexOf('[');
            path = bracket < 0 ? YamlToJson.ChildPath(path, part) : YamlToJson.ChildPath(path, part[..bracket]) + part[bracket..];
        }
        return path;
    }

    private static string Rebase(string root, string jsonPath) => root == "$" ? jsonPath : root + jsonPath[1..];

    private static string DescribeJsonError(Exception e)
    {
        var message = e.Message;
        // System.Text.Json appends "Path: $.x | LineNumber: ..."; the location is reported separately.
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        message = (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
        var converted = ConversionFailure().Match(message);
        return converted.Success ? $"invalid value: expected {FriendlyTypeName(converted.Groups[1].Value)}" : message;
    }

    private static string FriendlyTypeName(string clrType) => clrType switch
    {
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" or "System.Nullable`1[System.Int64]" => "an integer",
        "System.Boolean" or "System.Nullable`1[System.Boolean]" => "a boolean (true or false)",
        "System.String" => "a string",
        "System.Double" => "a number",
        _ when clrType.Contains("IReadOnlyList", StringComparison.Ordinal) => "a list",
        _ when clrType.Contains("IReadOnlyDictionary", StringComparison.Ordinal) => "a map",
        _ => "an object",
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"could not be converted to (\S+)")]
    private static partial System.Text.RegularExpressions.Regex ConversionFailure();

    private static string Describe(YamlException e)
    {
        var message = e.InnerException?.Message ?? e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith('(') && cut > 0 ? message[(cut + 3)..] : message;
    }

    private static int CountDocumentsBefore(string text, long line)
    {
        var document = 1;
        var current = 1;
        var seenContent = false;
        foreach (var raw in text.Split('\n'))
        {
            if (current >= line) break;
            var trimmed = raw.TrimEnd('\r');
            if (trimmed.StartsWith("---", StringComparison.Ordinal))
            {
                if (seenContent) document++;
                seenContent = false;
            }
            else if (trimmed.Trim().Length > 0 && !trimmed.TrimStart().StartsWith('#'))
            {
                seenContent = true;
            }
            current++;
        }
        return document;
    }
}
