using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Orchestrator.Api;

namespace Orchestrator.ApiServer.Discovery;

/// <summary>
/// OpenAPI v3 component schemas generated from the API model (the records and their JSON contract in
/// <see cref="KubernetesJson.Options"/>), with descriptions from the XML documentation where it ships beside the assembly.
/// Kind schemas carry <c>x-kubernetes-group-version-kind</c>, which is how <c>kubectl explain</c> finds them; object-typed
/// fields refer to their type as <c>allOf: [$ref]</c> so that the field keeps its own description, as Kubernetes does.
/// </summary>
internal sealed class OpenApiSchemas
{
    private const string RefPrefix = "#/components/schemas/";

    private readonly XmlDocumentation _docs;
    private readonly JsonObject _schemas = new();

    public OpenApiSchemas(XmlDocumentation docs) => _docs = docs;

    /// <summary>The schemas added so far, keyed by name.</summary>
    public JsonObject Schemas => _schemas;

    /// <summary>Adds the schema of <paramref name="kind"/> (and of every type it reaches).</summary>
    public void AddKind(ResourceKind kind)
    {
        var name = SchemaName(kind.ClrType);
        AddObject(kind.ClrType);
        var schema = (JsonObject)_schemas[name]!;
        schema["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject
        {
            ["group"] = kind.Group,
            ["kind"] = kind.Kind,
            ["version"] = kind.Version,
        });
        if (schema["properties"] is JsonObject properties)
        {
            properties["apiVersion"] = Described(new JsonObject { ["type"] = "string" },
                "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.");
            properties["kind"] = Described(new JsonObject { ["type"] = "string" },
                "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. In CamelCase.");
        }
    }

    private static string SchemaName(Type type) => "io.orchestrator." + (type.FullName ?? type.Name).Replace('+', '.');

    private void AddObject(Type type)
    {
        var name = SchemaName(type);
        if (_schemas.ContainsKey(name)) return;
        var schema = new JsonObject { ["type"] = "object" };
        _schemas[name] = schema;
        if (_docs.Summary(type) is { } description) schema["description"] = description;
        var info = KubernetesJson.Options.GetTypeInfo(type);
        var properties = new JsonObject();
        foreach (var property in info.Properties.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var member = property.AttributeProvider as System.Reflection.MemberInfo;
            var field = SchemaOf(property.PropertyType);
            properties[property.Name] = member is not null && _docs.Summary(member) is { } text ? Described(field, text) : field;
        }
        schema["properties"] = properties;
    }

    private static JsonObject Described(JsonObject schema, string description)
    {
        if (schema.ContainsKey("$ref")) schema = new JsonObject { ["allOf"] = new JsonArray(schema) };
        schema["description"] = description;
        return schema;
    }

    private JsonObject SchemaOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return new JsonObject { ["type"] = "string" };
        if (type == typeof(bool)) return new JsonObject { ["type"] = "boolean" };
        if (type == typeof(int) || type == typeof(short) || type == typeof(byte)) return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        if (type == typeof(long) || type == typeof(uint) || type == typeof(ulong)) return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return new JsonObject { ["type"] = "number", ["format"] = "double" };
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        if (type == typeof(TimeSpan)) return new JsonObject { ["type"] = "string" };
        if (type == typeof(IntOrString) || type == typeof(Quantity))
        {
            // Scalars with their own JSON form: a typeless named schema, so that explain shows <IntOrString> / <Quantity>.
            var name = SchemaName(type);
            if (!_schemas.ContainsKey(name))
            {
                var scalar = type == typeof(IntOrString)
                    ? new JsonObject { ["x-kubernetes-int-or-string"] = true }
                    : new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "number" }) };
                if (_docs.Summary(type) is { } summary) scalar["description"] = summary;
                _schemas[name] = scalar;
            }
            return new JsonObject { ["$ref"] = RefPrefix + name };
        }
        if (type == typeof(JsonElement) || type == typeof(JsonNode) || type == typeof(JsonObject) || type == typeof(object))
        {
            return new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        }
        if (type.IsEnum) return new JsonObject { ["type"] = "string" };
        var info = KubernetesJson.Options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Dictionary:
                return new JsonObject { ["type"] = "object", ["additionalProperties"] = SchemaOf(info.ElementType!) };
            case JsonTypeInfoKind.Enumerable:
                return new JsonObject { ["type"] = "array", ["items"] = SchemaOf(info.ElementType ?? ElementOf(type)) };
            case JsonTypeInfoKind.Object:
                AddObject(type);
                return new JsonObject { ["$ref"] = RefPrefix + SchemaName(type) };
            default:
                return new JsonObject { ["type"] = "string" };
        }
    }

    private static Type ElementOf(Type type) =>
        type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            ?.GetGenericArguments()[0] ?? (typeof(IEnumerable).IsAssignableFrom(type) ? typeof(object) : type);
}
