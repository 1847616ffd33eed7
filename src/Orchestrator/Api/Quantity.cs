using System.Globalization;
using System.Buffers;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>
/// An exact amount of a resource, such as <c>500m</c> CPU or <c>128Mi</c> of memory (Kubernetes <c>resource.Quantity</c>).
/// </summary>
/// <remarks>
/// <para>
/// Accepted forms are a signed decimal number followed by an optional suffix: a decimal SI suffix
/// (<c>n u m k M G T P E</c>), a binary SI suffix (<c>Ki Mi Gi Ti Pi Ei</c>) or a decimal exponent
/// (<c>e3</c>, <c>E-2</c>). Examples: <c>500m</c>, <c>1.5Gi</c>, <c>2e3</c>, <c>0.5</c>, <c>-1</c>.
/// </para>
/// <para>
/// The value is held exactly as a <see cref="decimal"/> with a precision of one nano-unit (<c>1n</c>); a more precise
/// input is rounded away from zero to the next nano-unit, as Kubernetes does (<c>0.1n</c> becomes <c>1n</c>).
/// Magnitudes up to about 7.9e28 are representable for whole numbers and up to about 7.9e19 at full nano
/// precision; larger inputs are rejected with a <see cref="FormatException"/>.
/// </para>
/// <para>
/// Equality, hashing and ordering use the value only: <c>1Gi == 1024Mi</c> and <c>1000m == 1</c>.
/// <see cref="ToString"/> returns the text the quantity was parsed from, so a manifest round-trips as written;
/// computed quantities (sums, factories) print in canonical Kubernetes form (<see cref="ToCanonicalString"/>).
/// The default value is zero.
/// </para>
/// </remarks>
[JsonConverter(typeof(QuantityJsonConverter))]
public readonly struct Quantity : IEquatable<Quantity>, IComparable<Quantity>, IComparable
{
    /// <summary>The text of <see cref="FormatException"/> messages, in Kubernetes' words.</summary>
    internal const string ExpectedForm =
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    private const int NanoScale = 9;
    private static readonly BigInteger MaxMantissa = (BigInteger.One << 96) - 1;

    private readonly decimal _value;
    private readonly string? _text;

    private Quantity(decimal value, QuantityFormat format, string? text)
    {
        _value = value;
        Format = format;
        _text = text;
    }

    /// <summary>Zero, printed as <c>0</c>.</summary>
    public static Quantity Zero => default;

    /// <summary>
    /// How computed values of this quantity are printed: the format the user wrote (binary suffix, decimal suffix or
    /// exponent), kept through arithmetic on this quantity as Kubernetes does.
    /// </summary>
    public QuantityFormat Format { get; }

    /// <summary>The exact value in units (cores, bytes, ...), with at most nine decimal places.</summary>
    public decimal DecimalValue => _value;

    /// <summary>True when the value is zero.</summary>
    public bool IsZero => _value == 0m;

    /// <summary>
    /// The value in whole units, rounded away from zero (<c>500m</c> gives 1, <c>-1.5</c> gives -2), as Kubernetes'
    /// <c>Value()</c>. Values beyond the range of <see cref="long"/> saturate at <see cref="long.MaxValue"/> or
    /// <see cref="long.MinValue"/>.
    /// </summary>
    public long Value => ScaledValue(1m);

    /// <summary>
    /// The value in thousandths of a unit, rounded away from zero (<c>0.1m</c> gives 1), as Kubernetes' <c>MilliValue()</c>.
    /// Saturates like <see cref="Value"/>.
    /// </summary>
    public long MilliValue => ScaledValue(1000m);

    /// <summary>Parses a quantity such as <c>500m</c>, <c>128Mi</c> or <c>2e3</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException">
    /// The text is not a quantity; the message quotes it and states the expected form.
    /// </exception>
    public static Quantity Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var error = TryParseCore(text, out var quantity);
        if (error is not null) throw new FormatException($"Invalid quantity \"{text}\": {error}");
        return quantity;
    }

    /// <summary>Parses a quantity; returns false (and <see cref="Zero"/>) when <paramref name="text"/> is null or invalid.</summary>
    public static bool TryParse(string? text, out Quantity quantity)
    {
        if (text is null)
        {
            quantity = default;
            return false;
        }
        return TryParseCore(text, out quantity) is null;
    }

    /// <summary>A quantity of <paramref name="milli"/> thousandths of a unit, printed with decimal suffixes (<c>1500m</c>).</summary>
    public static Quantity FromMilli(long milli) => new(milli / 1000m, QuantityFormat.DecimalSI, null);

    /// <summary>A quantity of whole units, printed with decimal suffixes (<c>2k</c>, <c>3</c>).</summary>
    public static Quantity FromUnits(long units) => new(units, QuantityFormat.DecimalSI, null);

    /// <summary>A number of bytes, printed with binary suffixes where exact (<c>2Gi</c>, <c>1000</c>).</summary>
    public static Quantity FromBytes(long bytes) => new(bytes, QuantityFormat.BinarySI, null);

    /// <summary>
    /// A quantity of <paramref name="value"/> units printed in <paramref name="format"/>; digits beyond nine decimal
    /// places are rounded away from zero.
    /// </summary>
    public static Quantity FromDecimal(decimal value, QuantityFormat format = QuantityFormat.DecimalSI) =>
        new(RoundToNano(value), format, null);

    /// <summary>The sum; printed in the left operand's format, or the right one's when the left is zero.</summary>
    /// <exception cref="OverflowException">The sum is outside the representable range.</exception>
    public static Quantity operator +(Quantity left, Quantity right) =>
        new(left._value + right._value, left.IsZero ? right.Format : left.Format, null);

    /// <summary>The difference; printed in the left operand's format, or the right one's when the left is zero.</summary>
    /// <exception cref="OverflowException">The difference is outside the representable range.</exception>
    public static Quantity operator -(Quantity left, Quantity right) =>
        new(left._value - right._value, left.IsZero ? right.Format : left.Format, null);

    /// <summary>The negated quantity, in the same format.</summary>
    public static Quantity operator -(Quantity value) => new(-value._value, value.Format, null);

    /// <summary>The quantity multiplied by a whole number (for example a request times a replica count).</summary>
    /// <exception cref="OverflowException">The product is outside the representable range.</exception>
    public static Quantity operator *(Quantity value, long factor) => new(value._value * factor, value.Format, null);

    /// <summary>Value equality: <c>1Gi == 1024Mi</c>.</summary>
    public static bool operator ==(Quantity left, Quantity right) => left._value == right._value;

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Quantity left, Quantity right) => left._value != right._value;

    /// <summary>Compares values.</summary>
    public static bool operator <(Quantity left, Quantity right) => left._value < right._value;

    /// <summary>Compares values.</summary>
    public static bool operator >(Quantity left, Quantity right) => left._value > right._value;

    /// <summary>Compares values.</summary>
    public static bool operator <=(Quantity left, Quantity right) => left._value <= right._value;

    /// <summary>Compares values.</summary>
    public static bool operator >=(Quantity left, Quantity right) => left._value >= right._value;

    /// <summary>The larger of two quantities (the first when equal).</summary>
    public static Quantity Max(Quantity a, Quantity b) => b._value > a._value ? b : a;

    /// <summary>The smaller of two quantities (the first when equal).</summary>
    public static Quantity Min(Quantity a, Quantity b) => b._value < a._value ? b : a;

    /// <summary>The value as a <see cref="double"/>, for scoring and ratios where exactness does not matter.</summary>
    public double AsApproximateDouble() => (double)_value;

    /// <inheritdoc/>
    public bool Equals(Quantity other) => _value == other._value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Quantity other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _value.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(Quantity other) => _value.CompareTo(other._value);

    /// <inheritdoc/>
    int IComparable.CompareTo(object? obj) => obj switch
    {
        null => 1,
        Quantity other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be of type {nameof(Quantity)}.", nameof(obj)),
    };

    /// <summary>The text this quantity was parsed from, or its canonical form when it was computed.</summary>
    public override string ToString() => _text ?? ToCanonicalString();

    /// <summary>
    /// The canonical Kubernetes form: <c>1.5Gi</c> prints as <c>1536Mi</c>, <c>1.5</c> as <c>1500m</c>, <c>2000</c> as
    /// <c>2k</c>, <c>2e3</c> as <c>2e3</c>. Binary quantities below 1Ki or with a fraction print with decimal suffixes.
    /// </summary>
    public string ToCanonicalString()
    {
        if (_value == 0m) return "0";
        var bits = decimal.GetBits(_value);
        var negative = bits[3] < 0;
        var scale = (bits[3] >> 16) & 0xFF;
        var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        var sign = negative ? "-" : "";

        if (Format == QuantityFormat.BinarySI && IsWhole(mantissa, scale))
        {
            var whole = mantissa / BigInteger.Pow(10, scale);
            if (whole >= 1024)
            {
                var power = 0;
                while (power < BinarySuffixes.Length - 1 && (whole & 1023) == 0)
                {
                    whole >>= 10;
                    power++;
                }
                return sign + whole.ToString(CultureInfo.InvariantCulture) + BinarySuffixes[power];
            }
        }

        var exponent = -scale;
        while (!mantissa.IsZero && (mantissa % 10).IsZero)
        {
            mantissa /= 10;
            exponent++;
        }
        var remainder = ((exponent % 3) + 3) % 3;
        mantissa *= BigInteger.Pow(10, remainder);
        exponent -= remainder;

        if (Format == QuantityFormat.DecimalExponent)
        {
            var suffix = exponent == 0 ? "" : "e" + exponent.ToString(CultureInfo.InvariantCulture);
            return sign + mantissa.ToString(CultureInfo.InvariantCulture) + suffix;
        }
        if (exponent > 18)
        {
            mantissa *= BigInteger.Pow(10, exponent - 18);
            exponent = 18;
        }
        return sign + mantissa.ToString(CultureInfo.InvariantCulture) + DecimalSuffixes[(exponent + 9) / 3];
    }

    private static readonly string[] BinarySuffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    private static readonly string[] DecimalSuffixes = ["n", "u", "m", "", "k", "M", "G", "T", "P", "E"];

    private static bool IsWhole(BigInteger mantissa, int scale) => (mantissa % BigInteger.Pow(10, scale)).IsZero;

    private long ScaledValue(decimal factor)
    {
        var limit = long.MaxValue / factor;
        if (_value >= limit) return long.MaxValue;
        if (_value <= -limit) return long.MinValue;
        var scaled = _value * factor;
        return (long)(scaled >= 0 ? decimal.Ceiling(scaled) : decimal.Floor(scaled));
    }

    private static decimal RoundToNano(decimal value) =>
        Math.Round(value, NanoScale, value >= 0 ? MidpointRounding.ToPositiveInfinity : MidpointRounding.ToNegativeInfinity);

    // Follows Kubernetes' parseQuantityString: sign, digits, optional '.', digits, then a suffix made of suffix
    // letters, an optional sign and digits; the suffix must then be a known SI suffix or an exponent.
    // Returns null on success, otherwise the reason.
    private static string? TryParseCore(string text, out Quantity quantity)
    {
        quantity = default;
        var pos = 0;
        var end = text.Length;
        var negative = false;
        if (pos < end && (text[pos] == '-' || text[pos] == '+'))
        {
            negative = text[pos] == '-';
            pos++;
        }

        var intStart = pos;
        while (pos < end && char.IsAsciiDigit(text[pos])) pos++;
        var integerDigits = text.AsSpan(intStart, pos - intStart);
        var fractionDigits = ReadOnlySpan<char>.Empty;
        if (pos < end && text[pos] == '.')
        {
            pos++;
            var fracStart = pos;
            while (pos < end && char.IsAsciiDigit(text[pos])) pos++;
            fractionDigits = text.AsSpan(fracStart, pos - fracStart);
        }
        if (integerDigits.IsEmpty && fractionDigits.IsEmpty) return ExpectedForm;

        var suffixStart = pos;
        while (pos < end && "eEinumkKMGTP".Contains(text[pos])) pos++;
        if (pos < end && (text[pos] == '-' || text[pos] == '+')) pos++;
        while (pos < end && char.IsAsciiDigit(text[pos])) pos++;
        if (pos < end) return ExpectedForm;
        var suffix = text.AsSpan(suffixStart);

        if (!TryInterpretSuffix(suffix, out var format, out var exponent10, out var binaryPower))
        {
            return $"unable to parse quantity's suffix \"{suffix}\": expected one of n, u, m, k, M, G, T, P, E, " +
                   "Ki, Mi, Gi, Ti, Pi, Ei or a decimal exponent such as e3";
        }

        var digits = string.Concat(integerDigits, fractionDigits);
        var mantissa = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        if (mantissa.IsZero)
        {
            quantity = new Quantity(0m, format, text);
            return null;
        }

        // nanos = mantissa * 1024^binaryPower * 10^(exponent10 - fractionDigits + 9), rounded away from zero.
        var nanos = mantissa << (10 * binaryPower);
        var shift = (long)exponent10 - fractionDigits.Length + NanoScale;
        if (shift > 40) return "quantity is too large";
        if (shift >= 0)
        {
            nanos *= BigInteger.Pow(10, (int)shift);
        }
        else if (-shift > digits.Length + 20)
        {
            nanos = BigInteger.One;
        }
        else
        {
            var quotient = BigInteger.DivRem(nanos, BigInteger.Pow(10, (int)-shift), out var remainder);
            nanos = remainder.IsZero ? quotient : quotient + 1;
        }

        var scale = NanoScale;
        while (scale > 0 && (nanos % 10).IsZero)
        {
            nanos /= 10;
            scale--;
        }
        if (nanos > MaxMantissa) return "quantity is too large";

        var value = new decimal(
            (int)(uint)(nanos & uint.MaxValue),
            (int)(uint)((nanos >> 32) & uint.MaxValue),
            (int)(uint)(nanos >> 64),
            negative,
            (byte)scale);
        quantity = new Quantity(value, format, text);
        return null;
    }

    private static bool TryInterpretSuffix(ReadOnlySpan<char> suffix, out QuantityFormat format, out int exponent10, out int binaryPower)
    {
        format = QuantityFormat.DecimalSI;
        exponent10 = 0;
        binaryPower = 0;
        switch (suffix)
        {
            case "": return true;
            case "n": exponent10 = -9; return true;
            case "u": exponent10 = -6; return true;
            case "m": exponent10 = -3; return true;
            case "k": exponent10 = 3; return true;
            case "M": exponent10 = 6; return true;
            case "G": exponent10 = 9; return true;
            case "T": exponent10 = 12; return true;
            case "P": exponent10 = 15; return true;
            case "E": exponent10 = 18; return true;
        }

        format = QuantityFormat.BinarySI;
        if (suffix.Length == 2 && suffix[1] == 'i')
        {
            var index = "KMGTPE".IndexOf(suffix[0]);
            if (index >= 0)
            {
                binaryPower = index + 1;
                return true;
            }
        }

        format = QuantityFormat.DecimalExponent;
        return suffix.Length > 1 && (suffix[0] == 'e' || suffix[0] == 'E') &&
               int.TryParse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent10);
    }

    /// <summary>
    /// Reads a quantity from a JSON string (<c>"500m"</c>) or number (<c>2</c>, <c>0.5</c>, as YAML <c>cpu: 2</c> yields)
    /// and writes it as a string.
    /// </summary>
    private sealed class QuantityJsonConverter : JsonConverter<Quantity>
    {
        public override Quantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            string text = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString()!,
                JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
                _ => throw new JsonException($"A quantity must be a string such as \"500m\" or a number, not {reader.TokenType}."),
            };
            var error = TryParseCore(text, out var quantity);
            return error is null ? quantity : throw new JsonException($"Invalid quantity \"{text}\": {error}");
        }

        public override void Write(Utf8JsonWriter writer, Quantity value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }
}

/// <summary>How a computed <see cref="Quantity"/> is printed (Kubernetes <c>resource.Format</c>).</summary>
public enum QuantityFormat
{
    /// <summary>Decimal SI suffixes: <c>500m</c>, <c>2k</c>, <c>1G</c>.</summary>
    DecimalSI,

    /// <summary>Binary suffixes where the value is a whole multiple: <c>512Ki</c>, <c>2Gi</c>.</summary>
    BinarySI,

    /// <summary>Decimal exponents in multiples of three: <c>12e-3</c>, <c>2e3</c>.</summary>
    DecimalExponent,
}
