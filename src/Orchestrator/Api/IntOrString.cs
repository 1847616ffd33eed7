using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>
/// A field that holds either a number or a string (Kubernetes <c>intstr.IntOrString</c>), such as a
/// <c>targetPort</c> of <c>8080</c> or <c>"http"</c>, or a <c>maxSurge</c> of <c>1</c> or <c>"25%"</c>.
/// </summary>
/// <remarks>
/// The default value is the number 0. JSON numbers read as numbers and JSON strings as strings (so <c>"8080"</c>
/// stays a string, as in Kubernetes); each is written back in the kind it was read.
/// </remarks>
[JsonConverter(typeof(IntOrStringJsonConverter))]
public readonly record struct IntOrString
{
    private IntOrString(int intValue, string? stringValue)
    {
        IntValue = intValue;
        StringValue = stringValue;
    }

    /// <summary>True when this holds a number; false when it holds a string.</summary>
    public bool IsInt => StringValue is null;

    /// <summary>The number held; 0 when this holds a string.</summary>
    public int IntValue { get; }

    /// <summary>The string held; null when this holds a number.</summary>
    public string? StringValue { get; }

    /// <summary>True when this holds a string ending in <c>%</c>, such as <c>"25%"</c>.</summary>
    public bool IsPercent => StringValue is not null && StringValue.EndsWith('%');

    /// <summary>A number.</summary>
    public static IntOrString FromInt(int value) => new(value, null);

    /// <summary>A string.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static IntOrString FromString(string value) => new(0, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>Wraps a number.</summary>
    public static implicit operator IntOrString(int value) => FromInt(value);

    /// <summary>Wraps a string.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static implicit operator IntOrString(string value) => FromString(value);

    /// <summary>
    /// Resolves a count against <paramref name="total"/> as Kubernetes' <c>GetScaledValueFromIntOrPercent</c>:
    /// a number is returned as is; a percentage <c>"p%"</c> gives <c>p * total / 100</c>, rounded up when
    /// <paramref name="roundUp"/> (as for <c>maxSurge</c>) and down otherwise (as for <c>maxUnavailable</c>).
    /// </summary>
    /// <exception cref="FormatException">This holds a string that is not a whole-number percentage.</exception>
    public int GetScaledValue(int total, bool roundUp)
    {
        if (StringValue is null) return IntValue;
        if (!IsPercent) throw new FormatException($"invalid value for IntOrString \"{StringValue}\": invalid type: string is not a percentage");
        if (!int.TryParse(StringValue.AsSpan(0, StringValue.Length - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var percent))
        {
            throw new FormatException($"invalid value \"{StringValue}\": expected a whole-number percentage such as \"25%\"");
        }

        var product = (long)percent * total;
        var quotient = Math.DivRem(product, 100, out var remainder);
        if (remainder != 0 && roundUp == product > 0) quotient += product > 0 ? 1 : -1;
        return (int)Math.Clamp(quotient, int.MinValue, int.MaxValue);
    }

    /// <summary>The number in invariant form, or the string.</summary>
    public override string ToString() => StringValue ?? IntValue.ToString(CultureInfo.InvariantCulture);

    private sealed class IntOrStringJsonConverter : JsonConverter<IntOrString>
    {
        public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType switch
            {
                JsonTokenType.String => FromString(reader.GetString()!),
                JsonTokenType.Number when reader.TryGetInt32(out var number) => FromInt(number),
                _ => throw new JsonException($"Expected a whole number or a string such as \"25%\", not {reader.TokenType}."),
            };

        public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
        {
            if (value.StringValue is null) writer.WriteNumberValue(value.IntValue);
            else writer.WriteStringValue(value.StringValue);
        }
    }
}
