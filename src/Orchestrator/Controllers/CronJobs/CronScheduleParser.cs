using System.Globalization;

namespace Orchestrator.Controllers;

/// <summary>
/// Parses the schedule syntax Kubernetes accepts (robfig/cron's <c>ParseStandard</c>, which the CronJob controller uses):
/// five whitespace-separated fields or a descriptor, with Kubernetes' rejection of time zone prefixes.
/// </summary>
internal static class CronScheduleParser
{
    /// <summary>The set bit that marks a field written as <c>*</c> or <c>?</c> (robfig's <c>starBit</c>).</summary>
    public const ulong StarBit = 1UL << 63;

    private static readonly FieldSpec[] Fields =
    [
        new("minute", 0, 59, null),
        new("hour", 0, 23, null),
        new("day of month", 1, 31, null),
        new("month", 1, 12, new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
        {
            ["jan"] = 1, ["feb"] = 2, ["mar"] = 3, ["apr"] = 4, ["may"] = 5, ["jun"] = 6,
            ["jul"] = 7, ["aug"] = 8, ["sep"] = 9, ["oct"] = 10, ["nov"] = 11, ["dec"] = 12,
        }),
        new("day of week", 0, 6, new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
        {
            ["sun"] = 0, ["mon"] = 1, ["tue"] = 2, ["wed"] = 3, ["thu"] = 4, ["fri"] = 5, ["sat"] = 6,
        }),
    ];

    private static readonly Dictionary<string, string> Descriptors = new(StringComparer.Ordinal)
    {
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
        ["@monthly"] = "0 0 1 * *",
        ["@weekly"] = "0 0 * * 0",
        ["@daily"] = "0 0 * * *",
        ["@midnight"] = "0 0 * * *",
        ["@hourly"] = "0 * * * *",
    };

    /// <summary>The parsed bit sets (bit n set when value n is included; <see cref="StarBit"/> for <c>*</c>), or an interval.</summary>
    public readonly record struct Result(ulong Minutes, ulong Hours, ulong Days, ulong Months, ulong DaysOfWeek, TimeSpan? Every);

    /// <exception cref="CronFormatException">The expression is invalid.</exception>
    public static Result Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (string.IsNullOrWhiteSpace(expression)) throw new CronFormatException(expression, null, 0, "empty spec string");
        // Kubernetes rejects a time zone in the schedule (validateScheduleFormat); spec.timeZone replaces it.
        var tz = expression.IndexOf("TZ", StringComparison.Ordinal);
        if (tz >= 0)
        {
            var start = expression.StartsWith("CRON_TZ=", StringComparison.Ordinal) ? 0 : tz;
            throw new CronFormatException(expression, null, start, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
        }

        var text = expression.Trim();
        var offset = expression.IndexOf(text[0]);
        if (text[0] == '@') return ParseDescriptor(expression, text, offset);

        var parts = Split(expression);
        if (parts.Count != 5)
        {
            throw new CronFormatException(expression, null, offset, $"expected exactly 5 fields, found {parts.Count}");
        }
        var bits = new ulong[5];
        for (var i = 0; i < 5; i++) bits[i] = ParseField(expression, parts[i].Text, parts[i].Start, Fields[i]);
        return new Result(bits[0], bits[1], bits[2], bits[3], bits[4], null);
    }

    private static Result ParseDescriptor(string expression, string text, int offset)
    {
        if (Descriptors.TryGetValue(text, out var equivalent))
        {
            var parsed = Parse(equivalent);
            return parsed;
        }
        const string every = "@every ";
        if (text.StartsWith(every, StringComparison.Ordinal))
        {
            var durationText = text[every.Length..].Trim();
            if (!TryParseGoDuration(durationText, out var duration))
            {
                throw new CronFormatException(expression, null, offset + every.Length, $"failed to parse duration {text}: \"{durationText}\" is not a duration such as 90s or 1h30m");
            }
            // robfig/cron rounds an interval down to whole seconds, with a minimum of one second.
            var seconds = Math.Max(1, (long)Math.Floor(duration.TotalSeconds));
            return new Result(0, 0, 0, 0, 0, TimeSpan.FromSeconds(seconds));
        }
        throw new CronFormatException(expression, null, offset,
            $"unrecognized descriptor: {text} (supported: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>)");
    }

    /// <summary>Parses one field: comma-separated ranges <c>a</c>, <c>a-b</c>, <c>*</c>, <c>?</c>, each with an optional <c>/step</c>.</summary>
    private static ulong ParseField(string expression, string field, int start, FieldSpec spec)
    {
        ulong bits = 0;
        var position = start;
        foreach (var part in field.Split(','))
        {
            bits |= ParseRange(expression, part, position, spec);
            position += part.Length + 1;
        }
        return bits;
    }

    private static ulong ParseRange(string expression, string part, int position, FieldSpec spec)
    {
        CronFormatException Error(string reason) => new(expression, spec.Name, position, $"\"{part}\": {reason}");

        var rangeAndStep = part.Split('/');
        if (rangeAndStep.Length > 2) throw Error("too many slashes");
        var lowAndHigh = rangeAndStep[0].Split('-');
        if (lowAndHigh.Length > 2) throw Error("too many hyphens");
        var single = lowAndHigh.Length == 1;

        int low, high;
        ulong extra = 0;
        if (lowAndHigh[0] is "*" or "?")
        {
            if (!single) throw Error("a range cannot start with * or ?");
            low = spec.Min;
            high = spec.Max;
            extra = StarBit;
        }
        else
        {
            low = ParseValue(lowAndHigh[0], spec, Error);
            high = single ? low : ParseValue(lowAndHigh[1], spec, Error);
        }

        var step = 1;
        if (rangeAndStep.Length == 2)
        {
            if (!int.TryParse(rangeAndStep[1], NumberStyles.None, CultureInfo.InvariantCulture, out step))
            {
                throw Error($"failed to parse step \"{rangeAndStep[1]}\" as a number");
            }
            // "N/step" means "N-max/step", as in robfig/cron.
            if (single && extra == 0) high = spec.Max;
            if (step > 1) extra = 0;
        }

        if (low < spec.Min) throw Error($"beginning of range ({low}) below minimum ({spec.Min})");
        if (high > spec.Max) throw Error($"end of range ({high}) above maximum ({spec.Max})");
        if (low > high) throw Error($"beginning of range ({low}) beyond end of range ({high})");
        if (step == 0) throw Error("step of range should be a positive number");

        ulong bits = 0;
        for (var value = low; value <= high; value += step) bits |= 1UL << value;
        return bits | extra;
    }

    private static int ParseValue(string text, FieldSpec spec, Func<string, CronFormatException> error)
    {
        if (spec.Names is { } names && names.TryGetValue(text, out var named)) return named;
        if (text.StartsWith('-')) throw error($"negative number ({text}) not allowed");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw error(spec.Names is null
                ? $"failed to parse int from \"{text}\""
                : $"failed to parse \"{text}\": expected a number or a name ({string.Join(", ", spec.Names.Keys.Select(k => k.ToUpperInvariant()))})");
        }
        return value;
    }

    private static List<(string Text, int Start)> Split(string expression)
    {
        var parts = new List<(string, int)>();
        var i = 0;
        while (i < expression.Length)
        {
            while (i < expression.Length && char.IsWhiteSpace(expression[i])) i++;
            var start = i;
            while (i < expression.Length && !char.IsWhiteSpace(expression[i])) i++;
            if (i > start) parts.Add((expression[start..i], start));
        }
        return parts;
    }

    /// <summary>Parses a Go duration such as <c>1h30m</c>, <c>90s</c> or <c>1.5h</c> (units h, m, s, ms, us, µs, ns).</summary>
    internal static bool TryParseGoDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text.Length == 0) return false;
        if (text == "0")
        {
            return true;
        }
        double totalTicks = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (i == start || !double.TryParse(text[start..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)) return false;
            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.') i++;
            double ticksPerUnit = text[unitStart..i] switch
            {
                "h" => TimeSpan.TicksPerHour,
                "m" => TimeSpan.TicksPerMinute,
                "s" => TimeSpan.TicksPerSecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "us" or "µs" => TimeSpan.TicksPerMicrosecond,
                "ns" => 0.01,
                _ => -1,
            };
            if (ticksPerUnit < 0) return false;
            totalTicks += number * ticksPerUnit;
        }
        if (totalTicks > TimeSpan.MaxValue.Ticks) return false;
        duration = TimeSpan.FromTicks((long)totalTicks);
        return true;
    }

    private sealed record FieldSpec(string Name, int Min, int Max, Dictionary<string, int>? Names);
}
