using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// The <c>pod-template-hash</c> of a Deployment's ReplicaSets and the template comparison that finds a Deployment's
/// current ReplicaSet (Kubernetes <c>controller.ComputeHash</c> and <c>deploymentutil.EqualIgnoreHash</c>).
/// </summary>
/// <remarks>
/// Kubernetes hashes a Go dump of the template; here the template's canonical JSON (object keys sorted at every level,
/// so label order does not matter) goes through the same 32-bit FNV-1a, followed by the collision count as Kubernetes
/// writes it, and the decimal result is mapped to the same safe alphabet. The value is stable across processes and
/// versions of this library as long as the template's JSON form is.
/// </remarks>
internal static class PodTemplateHash
{
    private const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";
    private static readonly ConditionalWeakTable<PodTemplateSpec, byte[]> CanonicalWithoutHash = new();

    /// <summary>The JSON options of the comparison: quantities written in canonical form (<c>0.5</c> as <c>500m</c>).</summary>
    private static readonly JsonSerializerOptions ComparisonOptions = CreateComparisonOptions();

    /// <summary>The hash of <paramref name="template"/> with <paramref name="collisionCount"/>, e.g. <c>5d4f8b9c7</c>.</summary>
    public static string Compute(PodTemplateSpec template, int? collisionCount)
    {
        var hash = Fnv1a(Canonical(template), 2166136261u);
        if (collisionCount is { } count)
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, unchecked((uint)count));
            hash = Fnv1a(bytes, hash);
        }
        return SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// True when the templates are equal once the <c>pod-template-hash</c> label is removed from both (Kubernetes
    /// <c>EqualIgnoreHash</c>, a semantic comparison): quantities compare by value (<c>0.5</c> equals <c>500m</c>) and an
    /// empty object or list equals an absent one (<c>resources: {}</c>, as Go clients such as <c>kubectl rollout undo</c>
    /// write every template). The comparison form of each template instance is computed once and cached (templates are
    /// immutable snapshots).
    /// </summary>
    public static bool EqualIgnoringHash(PodTemplateSpec a, PodTemplateSpec b) =>
        ReferenceEquals(a, b) || CanonicalIgnoringHash(a).AsSpan().SequenceEqual(CanonicalIgnoringHash(b));

    /// <summary>The template without the <c>pod-template-hash</c> label (the template itself when it has none).</summary>
    public static PodTemplateSpec WithoutHashLabel(PodTemplateSpec template) =>
        !template.Metadata.Labels.ContainsKey(WellKnownLabels.PodTemplateHash)
            ? template
            : template with
            {
                Metadata = template.Metadata with
                {
                    Labels = template.Metadata.Labels.Where(l => l.Key != WellKnownLabels.PodTemplateHash).ToDictionary(),
                },
            };

    private static byte[] CanonicalIgnoringHash(PodTemplateSpec template) =>
        CanonicalWithoutHash.GetValue(template, static t =>
            Canonical(JsonSerializer.SerializeToUtf8Bytes(WithoutHashLabel(t), ComparisonOptions), omitEmpty: true));

    /// <summary>The JSON of <paramref name="value"/> with the properties of every object sorted by name.</summary>
    internal static byte[] Canonical(object value) => Canonical(KubernetesJson.SerializeToUtf8Bytes(value), omitEmpty: false);

    private static byte[] Canonical(byte[] json, bool omitEmpty)
    {
        using var document = JsonDocument.Parse(json);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteSorted(writer, document.RootElement, omitEmpty);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonElement element, bool omitEmpty)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (omitEmpty && IsEmpty(property.Value)) continue;
                    writer.WritePropertyName(property.Name);
                    WriteSorted(writer, property.Value, omitEmpty);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) WriteSorted(writer, item, omitEmpty);
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>Null, or an object or list with nothing but empty values in it.</summary>
    private static bool IsEmpty(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null => true,
        JsonValueKind.Object => element.EnumerateObject().All(p => IsEmpty(p.Value)),
        JsonValueKind.Array => element.GetArrayLength() == 0,
        _ => false,
    };

    private static JsonSerializerOptions CreateComparisonOptions()
    {
        var options = new JsonSerializerOptions(KubernetesJson.Options);
        options.Converters.Insert(0, new CanonicalQuantityConverter());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Writes quantities in canonical form, so that equal values compare equal whatever text they were parsed from.</summary>
    private sealed class CanonicalQuantityConverter : JsonConverter<Quantity>
    {
        public override Quantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Only used for writing.");

        public override void Write(Utf8JsonWriter writer, Quantity value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToCanonicalString());
    }

    private static uint Fnv1a(ReadOnlySpan<byte> data, uint hash)
    {
        foreach (var b in data)
        {
            hash ^= b;
            hash = unchecked(hash * 16777619u);
        }
        return hash;
    }

    /// <summary>Kubernetes' <c>rand.SafeEncodeString</c>: each character mapped into an alphabet without vowels or look-alikes.</summary>
    private static string SafeEncode(string text) =>
        string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++) span[i] = SafeAlphabet[source[i] % SafeAlphabet.Length];
        });
}
