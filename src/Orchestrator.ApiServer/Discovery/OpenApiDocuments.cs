using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Api;
using Orchestrator.ApiServer.Http;

namespace Orchestrator.ApiServer.Discovery;

/// <summary>
/// The OpenAPI v3 documents: <c>/openapi/v3</c> (the index, each group version with a content hash, as kubectl caches
/// by it) and one document per group version with the component schemas of its kinds (for <c>kubectl explain</c>) and,
/// per kind, a PATCH operation that declares the <c>fieldValidation</c> parameter, so that kubectl's default
/// <c>--validate=strict</c> relies on server-side field validation. The PATCH operations deliberately declare no request
/// body: kubectl then computes client-side apply patches from its built-in patch metadata (merge keys), which the schemas
/// here do not carry. Built once, on first use; the documents are immutable.
/// </summary>
internal static class OpenApiDocuments
{
    private static readonly Lazy<(byte[] Index, Dictionary<string, byte[]> Documents)> Built = new(Build);

    /// <summary>The index document.</summary>
    public static byte[] Index => Built.Value.Index;

    /// <summary>The document of <paramref name="groupVersion"/> (e.g. <c>v1</c>, <c>apps/v1</c>); null when none is served.</summary>
    public static byte[]? For(string groupVersion) => Built.Value.Documents.GetValueOrDefault(groupVersion);

    private static string PathKey(string groupVersion) => groupVersion.Contains('/') ? $"apis/{groupVersion}" : $"api/{groupVersion}";

    private static (byte[], Dictionary<string, byte[]>) Build()
    {
        var docs = XmlDocumentation.For(typeof(KubernetesObject).Assembly);
        var documents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var paths = new JsonObject();
        foreach (var groupVersion in DiscoveryDocuments.GroupVersions)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(Document(groupVersion, docs));
            documents[groupVersion] = bytes;
            var key = PathKey(groupVersion);
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={Convert.ToHexString(SHA512.HashData(bytes))}" };
        }
        return (JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["paths"] = paths }), documents);
    }

    private static JsonObject Document(string groupVersion, XmlDocumentation docs)
    {
        var schemas = new OpenApiSchemas(docs);
        var paths = new JsonObject();
        foreach (var kind in ResourcePath.KindsOf(groupVersion))
        {
            schemas.AddKind(kind);
            var prefix = "/" + PathKey(groupVersion) + (kind.Namespaced ? "/namespaces/{namespace}/" : "/") + kind.Plural + "/{name}";
            paths[prefix] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["operationId"] = $"patch{kind.Kind}",
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = kind.Group, ["version"] = kind.Version, ["kind"] = kind.Kind },
                    ["parameters"] = new JsonArray(
                        new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                        new JsonObject { ["name"] = "fieldManager", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                },
            };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Orchestrator", ["version"] = groupVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas.Schemas },
        };
    }
}
