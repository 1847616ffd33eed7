using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Docker.Engine;

/// <summary>
/// Reads the engine's RFC 3339 timestamps (nanosecond precision, truncated to .NET's 100 ns ticks). Go's zero time
/// (<c>0001-01-01T00:00:00Z</c>, e.g. <c>FinishedAt</c> of a running container) and empty strings read as
/// <see langword="null"/>.
/// </summary>
internal sealed class DockerTimestampConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
            return null;
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"Expected a timestamp string, got {reader.TokenType}.");
        return Parse(reader.GetString());
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } v)
            writer.WriteStringValue(v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        else
            writer.WriteNullValue();
    }

    /// <summary>Parses one engine timestamp; <see langword="null"/> for empty or Go's zero time.</summary>
    /// <exception cref="JsonException">The text is not an RFC 3339 timestamp.</exception>
    public static DateTimeOffset? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.StartsWith("0001-01-01T00:00:00", StringComparison.Ordinal))
            return null;
        ReadOnlySpan<char> span = text;
        int dot = span.IndexOf('.');
        if (dot >= 0)
        {
            int end = dot + 1;
            while (end < span.Length && char.IsAsciiDigit(span[end]))
                end++;
            if (end - dot - 1 > 7)
                text = string.Concat(span[..(dot + 8)], span[end..]);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value)
            ? value
            : throw new JsonException($"'{text}' is not an RFC 3339 timestamp.");
    }
}
