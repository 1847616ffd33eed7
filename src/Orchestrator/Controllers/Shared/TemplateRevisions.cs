using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// The pod-template snapshots StatefulSets and DaemonSets keep as ControllerRevisions (Kubernetes
/// <c>controller/history</c>): the revision data, its hash and name, and comparing and reading revisions.
/// </summary>
/// <remarks>
/// The data is <c>{"spec":{"template":…}}</c> in a canonical JSON form (object keys sorted), so the same template gives
/// the same bytes, hash and revision name in every process. Kubernetes adds <c>"$patch":"replace"</c> to the template
/// because it stores a strategic-merge patch; the data here is read back as a whole template, so the marker is left out.
/// </remarks>
internal static class TemplateRevisions
{
    /// <summary>The label with the revision's hash that Kubernetes' history package puts on every ControllerRevision.</summary>
    public const string HashLabel = "controller.kubernetes.io/hash";

    private const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>The revision data of <paramref name="template"/>.</summary>
    public static JsonElement DataOf(PodTemplateSpec template)
    {
        var node = JsonSerializer.SerializeToNode(template, KubernetesJson.Options) ?? new JsonObject();
        var data = new JsonObject { ["spec"] = new JsonObject { ["template"] = Canonical(node) } };
        return JsonSerializer.SerializeToElement(data);
    }

    /// <summary>The template stored in <paramref name="revision"/>, or null when its data holds none.</summary>
    public static PodTemplateSpec? TemplateOf(ControllerRevision revision)
    {
        if (revision.Data is not { ValueKind: JsonValueKind.Object } data) return null;
        if (!data.TryGetProperty("spec", out var spec) || !spec.TryGetProperty("template", out var template)) return null;
        try
        {
            return template.Deserialize<PodTemplateSpec>(KubernetesJson.LenientOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Kubernetes' <c>HashControllerRevision</c>: FNV-1 (32 bit) of the data, then of the decimal collision count when
    /// given, written in the alphabet of <c>rand.SafeEncodeString</c>.
    /// </summary>
    public static string Hash(JsonElement data, int? collisionCount)
    {
        var hash = 2166136261u;
        void Write(ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
            {
                hash *= 16777619u;
                hash ^= b;
            }
        }
        Write(Encoding.UTF8.GetBytes(data.GetRawText()));
        if (collisionCount is { } count) Write(Encoding.UTF8.GetBytes(count.ToString(CultureInfo.InvariantCulture)));
        var digits = hash.ToString(CultureInfo.InvariantCulture);
        var encoded = new StringBuilder(digits.Length);
        foreach (var c in digits) encoded.Append(SafeAlphabet[c % SafeAlphabet.Length]);
        return encoded.ToString();
    }

    /// <summary>True when the two revisions hold the same data.</summary>
    public static bool DataEquals(ControllerRevision revision, JsonElement data) =>
        revision.Data is { } own && own.GetRawText() == data.GetRawText();

    /// <summary>
    /// A new revision of <paramref name="owner"/> named <c>&lt;owner&gt;-&lt;hash&gt;</c>, with the template's labels plus the
    /// hash as <see cref="HashLabel"/> (as StatefulSet revisions have it) and <c>controller-revision-hash</c> (as DaemonSet
    /// revisions have it), a controller reference to the owner, and the given number.
    /// </summary>
    public static ControllerRevision New(KubernetesObject owner, PodTemplateSpec template, JsonElement data, long revision, int? collisionCount)
    {
        var hash = Hash(data, collisionCount);
        var labels = template.Metadata.Labels.ToImmutableDictionary()
            .SetItem(HashLabel, hash)
            .SetItem(WellKnownLabels.ControllerRevisionHash, hash);
        return new ControllerRevision
        {
            Metadata = new ObjectMeta
            {
                Name = $"{owner.Metadata.Name}-{hash}",
                Namespace = owner.Metadata.Namespace,
                Labels = labels,
                OwnerReferences = [ControllerRefs.NewControllerRef(owner)],
            },
            Data = data,
            Revision = revision,
        };
    }

    /// <summary>The hash part of a revision created by <see cref="New"/>.</summary>
    public static string HashOf(ControllerRevision revision) =>
        revision.Metadata.Labels.TryGetValue(HashLabel, out var hash) ? hash : revision.Metadata.Name ?? "";

    /// <summary>Revisions sorted oldest first: by number, then by name.</summary>
    public static List<ControllerRevision> Sorted(IEnumerable<ControllerRevision> revisions) =>
        [.. revisions.OrderBy(r => r.Revision).ThenBy(r => r.Metadata.Name, StringComparer.Ordinal)];

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Canonical)]),
        null => null,
        _ => node.DeepClone(),
    };
}
