using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.ApiServer.Apply;

namespace Orchestrator.ApiServer.Http;

internal sealed partial class ResourceEndpoints
{
    public const string ApplyPatchMediaType = "application/apply-patch+yaml";

    /// <summary>
    /// Server-side apply (PATCH with <c>application/apply-patch+yaml</c>): creates the object when it is missing, otherwise
    /// merges the configuration into it under the request's field manager; see <see cref="FieldManager.Apply"/>.
    /// </summary>
    private async Task ApplyAsync(HttpContext context, ResourcePath path)
    {
        var query = context.Request.Query;
        var manager = query["fieldManager"].ToString();
        if (manager.Length == 0)
        {
            throw new StatusError(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
        }
        var force = query["force"].ToString() is "true" or "1";
        var config = await ReadPatchAsync(context).ConfigureAwait(false) as JsonObject
            ?? throw StatusError.BadRequest("an apply patch must be an object");
        if (config["metadata"]?["managedFields"] is not null)
        {
            throw new StatusError(422, "Invalid", "metadata.managedFields must be nil in an apply configuration");
        }
        var strict = Strict(context.Request);
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync(path.Kind, path.Namespace, path.Name!, context.RequestAborted).ConfigureAwait(false);
            if (current is null && path.Subresource is not null) throw StatusError.NotFound(path.Kind, path.Name!);
            var live = current is null ? null : (JsonObject)ObjectCodec.ToNode(current);
            var result = FieldManager.Apply(live, (JsonObject)config.DeepClone(), current?.Metadata.ManagedFields ?? [], manager, force,
                path.Subresource, path.Kind.ApiVersion, time.GetUtcNow());
            var pinned = config["metadata"]?["resourceVersion"] is not null;
            var obj = Decode(result.Object, path, strict);
            if (obj.Metadata.Name != path.Name) throw StatusError.BadRequest("the name of the object does not match the name on the URL");
            obj = obj with { Metadata = obj.Metadata with { ManagedFields = result.ManagedFields } };
            if (IsDryRun(context.Request))
            {
                await WriteObjectAsync(context, current is null ? 201 : 200, obj).ConfigureAwait(false);
                return;
            }
            try
            {
                if (current is null)
                {
                    var created = await store.CreateAsync(obj, context.RequestAborted).ConfigureAwait(false);
                    await WriteObjectAsync(context, 201, created).ConfigureAwait(false);
                    return;
                }
                var updated = path.Subresource == "status"
                    ? await store.UpdateStatusAsync(obj, context.RequestAborted).ConfigureAwait(false)
                    : await store.UpdateAsync(obj, context.RequestAborted).ConfigureAwait(false);
                await WriteObjectAsync(context, 200, updated).ConfigureAwait(false);
                return;
            }
            catch (ApiException ex) when (ex is ConflictException or AlreadyExistsException && !pinned && attempt < PatchAttempts)
            {
                // Someone created or wrote the object in between: apply again to the new state.
            }
        }
    }

    /// <summary>
    /// The managed fields after a non-apply write turns <paramref name="before"/> (null on create) into the request object
    /// <paramref name="after"/>. Managed fields the request sets explicitly (and differently from the live ones) are kept as
    /// sent, as Kubernetes does; otherwise the request's field manager takes over the fields it changed.
    /// </summary>
    private IReadOnlyList<ManagedFieldsEntry> ManagedFieldsAfterWrite(HttpContext context, ResourcePath path, JsonObject? before,
        IReadOnlyList<ManagedFieldsEntry> live, JsonObject after)
    {
        if (after["metadata"]?["managedFields"] is JsonArray sent && !JsonNode.DeepEquals(sent, before?["metadata"]?["managedFields"]))
        {
            try
            {
                return sent.Deserialize<List<ManagedFieldsEntry>>(KubernetesJson.Options) ?? [];
            }
            catch (JsonException ex)
            {
                throw StatusError.BadRequest($"metadata.managedFields is invalid: {ex.Message}");
            }
        }
        return FieldManager.Update(before, after, live, FieldManagerOf(context.Request), path.Subresource, path.Kind.ApiVersion, time.GetUtcNow());
    }

    /// <summary>The request's <c>fieldManager</c>, else the User-Agent up to its first slash (as Kubernetes derives it).</summary>
    private static string FieldManagerOf(HttpRequest request)
    {
        var manager = request.Query["fieldManager"].ToString();
        if (manager.Length > 0) return manager;
        var agent = request.Headers.UserAgent.ToString();
        var slash = agent.IndexOf('/', StringComparison.Ordinal);
        manager = slash >= 0 ? agent[..slash] : agent;
        return manager.Length == 0 ? "unknown" : manager.Length > 128 ? manager[..128] : manager;
    }
}
