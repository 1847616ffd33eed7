using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.ApiServer.Apply;
using Orchestrator.ApiServer.Patching;

namespace Orchestrator.ApiServer.Http;

internal sealed partial class ResourceEndpoints
{
    private const int PatchAttempts = 8;

    private static readonly HashSet<string> ScalablePlurals = ["deployments", "replicasets", "statefulsets", "replicationcontrollers"];

    private static bool IsScalable(ResourceKind kind) => ScalablePlurals.Contains(kind.Plural);

    /// <summary>Applies a patch to the object (or its status) and writes the result; retried on conflict unless the patch pins a resourceVersion.</summary>
    private async Task PatchAsync(HttpContext context, ResourcePath path)
    {
        if (context.Request.ContentType?.Split(';')[0].Trim() == ApplyPatchMediaType)
        {
            await ApplyAsync(context, path).ConfigureAwait(false);
            return;
        }
        var apply = PatchFunction(context.Request.ContentType);
        var patch = await ReadPatchAsync(context).ConfigureAwait(false);
        var strict = Strict(context.Request);
        for (var attempt = 1; ; attempt++)
        {
            var current = await GetRequiredAsync(path, context.RequestAborted).ConfigureAwait(false);
            var node = ObjectCodec.ToNode(current);
            var patched = apply(node, patch) as JsonObject ?? throw StatusError.BadRequest("the patch did not produce an object");
            var pinned = patched["metadata"]?["resourceVersion"]?.GetValue<string>() != current.Metadata.ResourceVersion;
            var managedFields = ManagedFieldsAfterWrite(context, path, (JsonObject)node, current.Metadata.ManagedFields, patched);
            var obj = Decode(patched, path, strict);
            if (obj.Metadata.Name != path.Name) throw StatusError.BadRequest("the patch must not change the object's name");
            obj = obj with { Metadata = obj.Metadata with { ManagedFields = managedFields } };
            if (IsDryRun(context.Request))
            {
                await WriteObjectAsync(context, 200, obj).ConfigureAwait(false);
                return;
            }
            try
            {
                var updated = path.Subresource == "status"
                    ? await store.UpdateStatusAsync(obj, context.RequestAborted).ConfigureAwait(false)
                    : await store.UpdateAsync(obj, context.RequestAborted).ConfigureAwait(false);
                await WriteObjectAsync(context, 200, updated).ConfigureAwait(false);
                return;
            }
            catch (ConflictException) when (!pinned && attempt < PatchAttempts)
            {
                // Someone wrote in between: reapply the patch to the new state, as the Kubernetes API server does.
            }
        }
    }

    private static Func<JsonNode, JsonNode?, JsonNode> PatchFunction(string? contentType)
    {
        var mediaType = contentType?.Split(';')[0].Trim();
        return mediaType switch
        {
            "application/json-patch+json" => JsonPatch.Apply,
            "application/merge-patch+json" => (target, patch) => MergePatch.Apply(target, patch) ?? new JsonObject(),
            "application/strategic-merge-patch+json" => StrategicMergePatch.Apply,
            _ => throw new StatusError(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (not {mediaType})"),
        };
    }

    private static async Task<JsonNode?> ReadPatchAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        try
        {
            return JsonNode.Parse(buffer.ToArray());
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw StatusError.BadRequest($"the patch is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>The <c>scale</c> subresource as <c>autoscaling/v1</c> Scale: GET, PUT and PATCH change only <c>spec.replicas</c>.</summary>
    private async Task ScaleAsync(HttpContext context, ResourcePath path)
    {
        var method = context.Request.Method;
        var patch = method switch
        {
            "GET" => null,
            "PUT" => await ReadBodyAsync(context).ConfigureAwait(false),
            "PATCH" => await ReadPatchAsync(context).ConfigureAwait(false),
            _ => throw StatusError.MethodNotAllowed($"{method} is not supported on scale"),
        };
        var apply = method == "PATCH" ? PatchFunction(context.Request.ContentType) : null;
        for (var attempt = 1; ; attempt++)
        {
            var current = await GetRequiredAsync(path, context.RequestAborted).ConfigureAwait(false);
            var node = (JsonObject)ObjectCodec.ToNode(current);
            var scale = ToScale(node);
            if (method == "GET")
            {
                await ApiRequestHandler.WriteJsonAsync(context, 200, scale).ConfigureAwait(false);
                return;
            }
            var desired = apply is null ? patch : apply(scale, patch);
            if (desired?["spec"]?["replicas"] is not JsonValue replicasValue || !replicasValue.TryGetValue<int>(out var replicas) || replicas < 0)
            {
                throw new StatusError(422, "Invalid", "Scale is invalid: spec.replicas: Invalid value: must be greater than or equal to 0");
            }
            var pinnedVersion = desired["metadata"]?["resourceVersion"]?.GetValue<string>();
            var before = (JsonObject)node.DeepClone();
            if (node["spec"] is JsonObject spec) spec["replicas"] = replicas;
            var managedFields = FieldManager.Update(before, node, current.Metadata.ManagedFields, FieldManagerOf(context.Request), "scale",
                path.Kind.ApiVersion, time.GetUtcNow());
            var obj = ObjectCodec.FromNode(node, path.Kind, strict: false);
            obj = obj with { Metadata = obj.Metadata with { ManagedFields = managedFields } };
            if (!string.IsNullOrEmpty(pinnedVersion)) obj = obj with { Metadata = obj.Metadata with { ResourceVersion = pinnedVersion } };
            try
            {
                var updated = await store.UpdateAsync(obj, context.RequestAborted).ConfigureAwait(false);
                await ApiRequestHandler.WriteJsonAsync(context, 200, ToScale((JsonObject)ObjectCodec.ToNode(updated))).ConfigureAwait(false);
                return;
            }
            catch (ConflictException) when (string.IsNullOrEmpty(pinnedVersion) && attempt < PatchAttempts)
            {
                // Reapply to the new state.
            }
        }
    }

    private static JsonObject ToScale(JsonObject obj)
    {
        var metadata = obj["metadata"];
        var scaleMetadata = new JsonObject { ["name"] = metadata?["name"]?.DeepClone() };
        foreach (var field in new[] { "namespace", "uid", "resourceVersion", "creationTimestamp" })
        {
            if (metadata?[field] is { } value) scaleMetadata[field] = value.DeepClone();
        }
        var matchLabels = obj["spec"]?["selector"]?["matchLabels"] as JsonObject ?? obj["spec"]?["selector"] as JsonObject;
        var selector = matchLabels is null ? "" : string.Join(",", matchLabels.Where(p => p.Value is JsonValue).Select(p => $"{p.Key}={p.Value}"));
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMetadata,
            ["spec"] = new JsonObject { ["replicas"] = obj["spec"]?["replicas"]?.DeepClone() ?? 1 },
            ["status"] = new JsonObject { ["replicas"] = obj["status"]?["replicas"]?.DeepClone() ?? 0, ["selector"] = selector },
        };
    }
}
