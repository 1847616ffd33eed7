using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.ApiServer.Tables;
using Orchestrator.Client;
using Orchestrator.Store;

namespace Orchestrator.ApiServer.Http;

/// <summary>
/// The verbs on resource paths: get, list, watch, create, update, patch, delete and deletecollection, plus the
/// <c>status</c>, <c>scale</c> and <c>log</c> subresources. Objects are answered as JSON, or as a Table when the client asks
/// for <c>as=Table</c> in Accept (as <c>kubectl get</c> does).
/// </summary>
internal sealed partial class ResourceEndpoints(IObjectStore store, IOrchestratorClient? client, TimeProvider time)
{
    private readonly TableConverter _tables = new(time);

    public async Task HandleAsync(HttpContext context, string groupVersion, string[] rest)
    {
        var path = ResourcePath.Parse(groupVersion, rest)
            ?? throw new StatusError(404, "NotFound", "the server could not find the requested resource");
        try
        {
            await DispatchAsync(context, path).ConfigureAwait(false);
        }
        catch (ApiException ex)
        {
            throw StatusError.From(ex, path.Kind, path.Name);
        }
    }

    private Task DispatchAsync(HttpContext context, ResourcePath path)
    {
        var method = context.Request.Method;
        var query = context.Request.Query;
        if (path.Name is null)
        {
            return method switch
            {
                "GET" when query["watch"] is var w && (w == "true" || w == "1") => WatchAsync(context, path),
                "GET" => ListAsync(context, path),
                "POST" => CreateAsync(context, path),
                "DELETE" => DeleteCollectionAsync(context, path),
                _ => throw StatusError.MethodNotAllowed($"{method} is not supported on a collection"),
            };
        }
        return (path.Subresource, method) switch
        {
            (null or "status", "GET") => GetAsync(context, path),
            (null or "status", "PUT") => UpdateAsync(context, path),
            (null or "status", "PATCH") => PatchAsync(context, path),
            (null, "DELETE") => DeleteAsync(context, path),
            ("scale", _) when IsScalable(path.Kind) => ScaleAsync(context, path),
            ("log", "GET") when path.Kind.Plural == "pods" => LogsAsync(context, path),
            ("exec", "GET" or "POST") when path.Kind.Plural == "pods" => ExecAsync(context, path),
            _ => throw new StatusError(404, "NotFound", "the server could not find the requested resource"),
        };
    }

    private static bool WantsTable(HttpRequest request) => request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    private static bool Strict(HttpRequest request) => request.Query["fieldValidation"].ToString() == "Strict";

    private async Task<KubernetesObject> GetRequiredAsync(ResourcePath path, CancellationToken cancellationToken) =>
        await store.GetAsync(path.Kind, path.Namespace, path.Name!, cancellationToken).ConfigureAwait(false)
            ?? throw StatusError.NotFound(path.Kind, path.Name!);

    private async Task GetAsync(HttpContext context, ResourcePath path)
    {
        var obj = await GetRequiredAsync(path, context.RequestAborted).ConfigureAwait(false);
        await WriteObjectAsync(context, 200, obj).ConfigureAwait(false);
    }

    private Task WriteObjectAsync(HttpContext context, int code, KubernetesObject obj)
    {
        if (WantsTable(context.Request))
        {
            var kind = ApiResources.For(obj.GetType());
            return ApiRequestHandler.WriteJsonAsync(context, code, _tables.ToTable(kind, [ObjectCodec.ToNode(obj)], obj.Metadata.ResourceVersion, null));
        }
        return ApiRequestHandler.WriteBytesAsync(context, code, KubernetesJson.SerializeToUtf8Bytes(obj));
    }

    private async Task ListAsync(HttpContext context, ResourcePath path)
    {
        var query = context.Request.Query;
        var options = new ListOptions
        {
            Namespace = path.Namespace,
            LabelSelector = NullIfEmpty(query["labelSelector"]),
            FieldSelector = NullIfEmpty(query["fieldSelector"]),
            Limit = int.TryParse(query["limit"], out var limit) && limit > 0 ? limit : 0,
            Continue = NullIfEmpty(query["continue"]),
        };
        var list = await store.ListAsync(path.Kind, options, context.RequestAborted).ConfigureAwait(false);
        if (WantsTable(context.Request))
        {
            await ApiRequestHandler.WriteJsonAsync(context, 200,
                _tables.ToTable(path.Kind, list.Items.Select(ObjectCodec.ToNode), list.ResourceVersion, list.Continue)).ConfigureAwait(false);
            return;
        }
        await ApiRequestHandler.WriteBytesAsync(context, 200, SerializeList(path.Kind, list)).ConfigureAwait(false);
    }

    internal static byte[] SerializeList(ResourceKind kind, ObjectList<KubernetesObject> list)
    {
        using var buffer = new MemoryStream(256 + list.Items.Count * 512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", kind.Kind + "List");
            writer.WriteString("apiVersion", kind.ApiVersion);
            writer.WriteStartObject("metadata");
            writer.WriteString("resourceVersion", list.ResourceVersion);
            if (list.Continue is not null) writer.WriteString("continue", list.Continue);
            if (list.RemainingItemCount is { } remaining) writer.WriteNumber("remainingItemCount", remaining);
            writer.WriteEndObject();
            writer.WriteStartArray("items");
            foreach (var item in list.Items) JsonSerializer.Serialize(writer, item, item.GetType(), KubernetesJson.Options);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static async Task<JsonObject> ReadBodyAsync(HttpContext context, ResourceKind? kind = null)
    {
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim();
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (buffer.Length == 0) throw StatusError.BadRequest("the request body is empty");
        var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (mediaType == ProtobufBodies.MediaType && kind is not null && ProtobufBodies.TryDecode(body, kind.Kind) is { } decoded) return decoded;
        if (mediaType is not (null or "" or "application/json" or "*/*"))
        {
            // Other protobuf bodies and CBOR are not served.
            throw new StatusError(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: application/json (not {mediaType})");
        }
        return ObjectCodec.ParseObject(body);
    }

    private KubernetesObject Decode(JsonObject node, ResourcePath path, bool strict)
    {
        var obj = ObjectCodec.FromNode(node, path.Kind, strict);
        if (!path.Kind.Namespaced) return obj;
        var ns = obj.Metadata.Namespace;
        if (!string.IsNullOrEmpty(ns) && path.Namespace is not null && ns != path.Namespace)
        {
            throw StatusError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        return obj with { Metadata = obj.Metadata with { Namespace = path.Namespace ?? ns } };
    }

    private async Task CreateAsync(HttpContext context, ResourcePath path)
    {
        if (path.Kind.Namespaced && path.Namespace is null) throw StatusError.MethodNotAllowed($"create {path.Kind.Plural} needs a namespace");
        var body = await ReadBodyAsync(context, path.Kind).ConfigureAwait(false);
        var managedFields = ManagedFieldsAfterWrite(context, path, null, [], body);
        var obj = Decode(body, path, Strict(context.Request));
        obj = obj with { Metadata = obj.Metadata with { ManagedFields = managedFields } };
        if (IsDryRun(context.Request))
        {
            await WriteObjectAsync(context, 201, obj).ConfigureAwait(false);
            return;
        }
        try
        {
            var created = await store.CreateAsync(obj, context.RequestAborted).ConfigureAwait(false);
            await WriteObjectAsync(context, 201, created).ConfigureAwait(false);
        }
        catch (ApiException ex)
        {
            throw StatusError.From(ex, path.Kind, obj.Metadata.Name);
        }
    }

    private async Task UpdateAsync(HttpContext context, ResourcePath path)
    {
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        var current = await GetRequiredAsync(path, context.RequestAborted).ConfigureAwait(false);
        var managedFields = ManagedFieldsAfterWrite(context, path, (JsonObject)ObjectCodec.ToNode(current), current.Metadata.ManagedFields, body);
        var obj = Decode(body, path, Strict(context.Request));
        if (obj.Metadata.Name != path.Name) throw StatusError.BadRequest("the name of the object does not match the name on the URL");
        obj = obj with { Metadata = obj.Metadata with { ManagedFields = managedFields } };
        var updated = path.Subresource == "status"
            ? await store.UpdateStatusAsync(obj, context.RequestAborted).ConfigureAwait(false)
            : await store.UpdateAsync(obj, context.RequestAborted).ConfigureAwait(false);
        await WriteObjectAsync(context, 200, updated).ConfigureAwait(false);
    }

    private async Task DeleteAsync(HttpContext context, ResourcePath path)
    {
        var options = await ReadDeleteOptionsAsync(context).ConfigureAwait(false);
        var existing = await GetRequiredAsync(path, context.RequestAborted).ConfigureAwait(false);
        if (IsDryRun(context.Request))
        {
            await WriteObjectAsync(context, 200, existing).ConfigureAwait(false);
            return;
        }
        var remaining = await store.DeleteAsync(path.Kind, path.Namespace, path.Name!, options, context.RequestAborted).ConfigureAwait(false);
        await WriteObjectAsync(context, remaining is null ? 200 : 202, remaining ?? existing).ConfigureAwait(false);
    }

    private async Task DeleteCollectionAsync(HttpContext context, ResourcePath path)
    {
        var options = await ReadDeleteOptionsAsync(context).ConfigureAwait(false);
        var query = context.Request.Query;
        var list = await store.ListAsync(path.Kind, new ListOptions
        {
            Namespace = path.Namespace,
            LabelSelector = NullIfEmpty(query["labelSelector"]),
            FieldSelector = NullIfEmpty(query["fieldSelector"]),
        }, context.RequestAborted).ConfigureAwait(false);
        foreach (var item in list.Items)
        {
            try
            {
                await store.DeleteAsync(path.Kind, item.Metadata.Namespace, item.Metadata.Name!, options, context.RequestAborted).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
                // Deleted concurrently: the goal is reached.
            }
        }
        await ApiRequestHandler.WriteBytesAsync(context, 200, SerializeList(path.Kind, list)).ConfigureAwait(false);
    }

    private static async Task<DeleteOptions> ReadDeleteOptionsAsync(HttpContext context)
    {
        var query = context.Request.Query;
        long? grace = long.TryParse(query["gracePeriodSeconds"], out var g) ? g : null;
        var policy = NullIfEmpty(query["propagationPolicy"]);
        string? uid = null, resourceVersion = null;
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (buffer.Length > 0 && ObjectCodec.ParseObject(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is { } body)
        {
            if (body["gracePeriodSeconds"] is JsonValue gv) grace = gv.GetValue<long>();
            if (body["propagationPolicy"] is JsonValue pv) policy = pv.GetValue<string>();
            if (body["orphanDependents"] is JsonValue ov && ov.GetValue<bool>()) policy ??= PropagationPolicy.Orphan;
            uid = body["preconditions"]?["uid"]?.GetValue<string>();
            resourceVersion = body["preconditions"]?["resourceVersion"]?.GetValue<string>();
        }
        if (policy is not null and not (PropagationPolicy.Background or PropagationPolicy.Foreground or PropagationPolicy.Orphan))
        {
            throw StatusError.BadRequest($"unsupported propagationPolicy \"{policy}\"");
        }
        return new DeleteOptions { GracePeriodSeconds = grace, PropagationPolicy = policy, PreconditionUid = uid, PreconditionResourceVersion = resourceVersion };
    }

    private static bool IsDryRun(HttpRequest request) => request.Query["dryRun"].ToString() == "All";

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) =>
        string.IsNullOrEmpty(value.ToString()) ? null : value.ToString();
}
