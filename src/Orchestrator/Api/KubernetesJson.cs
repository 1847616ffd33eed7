using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Orchestrator.Api;

/// <summary>
/// The JSON form of API objects: camelCase names, null and empty fields omitted, RFC 3339 times,
/// and strict reading (an unknown field is an error, as with <c>kubectl --validate=strict</c>).
/// </summary>
public static class KubernetesJson
{
    /// <summary>Options for reading and writing API objects; unknown fields are rejected.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions(strict: true);

    /// <summary>Options that ignore unknown fields instead of rejecting them.</summary>
    public static JsonSerializerOptions LenientOptions { get; } = CreateOptions(strict: false);

    /// <summary>Serializes an API object (or any part of one) to JSON.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Serializes an API object to UTF-8 JSON bytes using its runtime type.</summary>
    public static byte[] SerializeToUtf8Bytes(object value) =>
        JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), Options);

    /// <summary>Deserializes JSON into <typeparamref name="T"/>, rejecting unknown fields.</summary>
    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("JSON value is null.");

    /// <summary>True when both values serialize to the same JSON; a deep structural comparison.</summary>
    internal static bool ContentEquals(object? a, object? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null || a.GetType() != b.GetType()) return false;
        return SerializeToUtf8Bytes(a).AsSpan().SequenceEqual(SerializeToUtf8Bytes(b));
    }

    private static JsonSerializerOptions CreateOptions(bool strict)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = strict ? JsonUnmappedMemberHandling.Disallow : JsonUnmappedMemberHandling.Skip,
            NumberHandling = JsonNumberHandling.Strict,
            RespectNullableAnnotations = false,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitEmptyCollections } },
        };
        options.Converters.Add(new Rfc3339TimeConverter());
        options.MakeReadOnly();
        return options;
    }

    // Kubernetes omits empty lists and maps (omitempty); so do we, which keeps output minimal and valid.
    private static void OmitEmptyCollections(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object) return;
        foreach (var property in typeInfo.Properties)
        {
            var type = property.PropertyType;
            if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type)) continue;
            property.ShouldSerialize = static (_, value) => value is not ICollection { Count: 0 } &&
                value is not IReadOnlyCollection<object> { Count: 0 } && !IsEmptyReadOnly(value);
        }
    }

    private static bool IsEmptyReadOnly(object? value)
    {
        if (value is null) return true;
        if (value is ICollection c) return c.Count == 0;
        if (value is IEnumerable e)
        {
            var enumerator = e.GetEnumerator();
            try { return !enumerator.MoveNext(); }
            finally { (enumerator as IDisposable)?.Dispose(); }
        }
        return false;
    }

    /// <summary>Writes times as RFC 3339 in UTC (<c>2024-05-01T12:00:00Z</c>), as Kubernetes does.</summary>
    private sealed class Rfc3339TimeConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            if (text is null || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
            {
                throw new JsonException($"'{text}' is not an RFC 3339 time such as 2024-05-01T12:00:00Z.");
            }
            return value;
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
        {
            var utc = value.ToUniversalTime();
            var format = utc.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";
            writer.WriteStringValue(utc.ToString(format, CultureInfo.InvariantCulture));
        }
    }
}
