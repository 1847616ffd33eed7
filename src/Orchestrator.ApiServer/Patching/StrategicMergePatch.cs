using System.Text.Json.Nodes;
using Orchestrator.ApiServer.Http;

namespace Orchestrator.ApiServer.Patching;

/// <summary>
/// Strategic merge patch over JSON, as the Kubernetes API server applies it to built-in kinds: lists with a merge key
/// (containers and volumes by <c>name</c>, container ports by <c>containerPort</c>, service ports by <c>port</c>, env by
/// <c>name</c>, …) merge element by element; other lists are replaced. Supports the directives kubectl sends:
/// <c>$patch: replace|delete|merge</c>, <c>$setElementOrder/&lt;list&gt;</c>, <c>$retainKeys</c> and
/// <c>$deleteFromPrimitiveList/&lt;list&gt;</c>.
/// </summary>
internal static class StrategicMergePatch
{
    private const string SetElementOrder = "$setElementOrder/";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

    // List field → merge key, for the built-in kinds Orchestrator models (from the Kubernetes Go struct tags).
    private static readonly Dictionary<string, string> MergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["env"] = "name",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["imagePullSecrets"] = "name",
        ["conditions"] = "type",
        ["hostAliases"] = "ip",
        ["ownerReferences"] = "uid",
        ["topologySpreadConstraints"] = "topologyKey",
        ["resourceClaims"] = "name",
        ["schedulingGates"] = "name",
        ["readinessGates"] = "conditionType",
        ["secrets"] = "name",
    };

    // Primitive lists that merge (union) rather than replace.
    private static readonly HashSet<string> MergedPrimitiveLists = ["finalizers"];

    /// <summary>True for primitive lists that behave as sets (merged by union), such as <c>finalizers</c>.</summary>
    internal static bool IsSetList(string field) => MergedPrimitiveLists.Contains(field);

    public static JsonNode Apply(JsonNode original, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject) throw StatusError.BadRequest("a strategic merge patch must be a JSON object");
        return MergeObject(original as JsonObject ?? new JsonObject(), patchObject);
    }

    private static JsonObject MergeObject(JsonObject original, JsonObject patch)
    {
        var directive = patch["$patch"]?.GetValue<string>();
        if (directive == "replace")
        {
            var replaced = (JsonObject)patch.DeepClone();
            replaced.Remove("$patch");
            return replaced;
        }
        if (directive == "delete") return new JsonObject();

        var result = (JsonObject)original.DeepClone();
        foreach (var (key, value) in patch)
        {
            if (key == "$patch" || key == "$retainKeys" || key.StartsWith(SetElementOrder, StringComparison.Ordinal)) continue;
            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                var field = key[DeleteFromPrimitiveList.Length..];
                if (result[field] is JsonArray existing && value is JsonArray remove)
                {
                    var kept = existing.Where(e => !remove.Any(r => JsonNode.DeepEquals(r, e))).Select(e => e?.DeepClone()).ToArray();
                    result[field] = new JsonArray(kept);
                }
                continue;
            }
            if (value is null)
            {
                result.Remove(key);
                continue;
            }
            var current = result[key];
            result[key] = value switch
            {
                JsonObject o when o["$patch"]?.GetValue<string>() == "delete" => null,
                JsonObject o => MergeObject(current as JsonObject ?? new JsonObject(), o),
                JsonArray a => MergeList(key, current as JsonArray, a, patch[SetElementOrder + key] as JsonArray),
                _ => value.DeepClone(),
            };
            if (value is JsonObject { } deleted && deleted["$patch"]?.GetValue<string>() == "delete") result.Remove(key);
        }
        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(k => k?.GetValue<string>()).ToHashSet();
            foreach (var key in result.Select(p => p.Key).ToArray())
            {
                if (!keep.Contains(key)) result.Remove(key);
            }
        }
        return result;
    }

    private static JsonArray MergeList(string field, JsonArray? original, JsonArray patch, JsonArray? order)
    {
        original ??= [];
        var mergeKey = MergeKeyFor(field, patch, original);
        if (patch.Any(e => e is JsonObject o && o["$patch"]?.GetValue<string>() == "replace"))
        {
            return new JsonArray(patch.Where(e => !(e is JsonObject o && o.ContainsKey("$patch"))).Select(e => e?.DeepClone()).ToArray());
        }
        if (mergeKey is null)
        {
            if (!MergedPrimitiveLists.Contains(field)) return (JsonArray)patch.DeepClone();
            var union = original.Select(e => e?.DeepClone()).ToList();
            foreach (var item in patch)
            {
                if (!union.Any(u => JsonNode.DeepEquals(u, item))) union.Add(item?.DeepClone());
            }
            return new JsonArray(union.ToArray());
        }

        var merged = original.Select(e => e?.DeepClone()).ToList();
        foreach (var item in patch)
        {
            if (item is not JsonObject patchItem) continue;
            var key = patchItem[mergeKey];
            var index = merged.FindIndex(e => e is JsonObject o && JsonNode.DeepEquals(o[mergeKey], key));
            if (patchItem["$patch"]?.GetValue<string>() == "delete")
            {
                if (index >= 0) merged.RemoveAt(index);
                continue;
            }
            if (index >= 0) merged[index] = MergeObject((JsonObject)merged[index]!, patchItem);
            else merged.Add(MergeObject(new JsonObject(), patchItem));
        }
        if (order is not null)
        {
            // Elements named in $setElementOrder come first in that order; the others keep their relative order after them.
            var positions = order.Select((o, i) => (Key: o?[mergeKey]?.ToJsonString(), i)).Where(p => p.Key is not null)
                .GroupBy(p => p.Key!).ToDictionary(g => g.Key, g => g.First().i);
            merged = merged.Select((e, i) => (e, i))
                .OrderBy(p => positions.TryGetValue(p.e?[mergeKey]?.ToJsonString() ?? "", out var pos) ? pos : int.MaxValue)
                .ThenBy(p => p.i).Select(p => p.e).ToList();
        }
        return new JsonArray(merged.ToArray());
    }

    /// <summary>The merge key of list <paramref name="field"/>, or null when the list is atomic (replaced as a whole).</summary>
    internal static string? MergeKeyFor(string field, JsonArray patch, JsonArray original)
    {
        if (field == "ports")
        {
            // Container ports merge by containerPort, service ports by port.
            var sample = patch.OfType<JsonObject>().Concat(original.OfType<JsonObject>()).FirstOrDefault();
            if (sample is null) return null;
            return sample.ContainsKey("containerPort") ? "containerPort" : "port";
        }
        return MergeKeys.GetValueOrDefault(field);
    }
}
