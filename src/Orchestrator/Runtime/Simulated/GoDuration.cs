using System.Globalization;

namespace Orchestrator.Runtime.Simulated;

/// <summary>Parses durations written the Go way (<c>300ms</c>, <c>2s</c>, <c>1h30m</c>, <c>1.5s</c>), as Kubernetes tools do.</summary>
internal static class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var span = text.AsSpan().Trim();
        if (span is "0") return true;
        double totalTicks = 0;
        while (!span.IsEmpty)
        {
            var i = 0;
            while (i < span.Length && (char.IsAsciiDigit(span[i]) || span[i] == '.')) i++;
            if (i == 0 || !double.TryParse(span[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)) return false;
            span = span[i..];
            var j = 0;
            while (j < span.Length && char.IsAsciiLetter(span[j]) || j < span.Length && span[j] == 'µ') j++;
            double unit = span[..j] switch
            {
                "ns" => TimeSpan.TicksPerMicrosecond / 1000.0,
                "us" or "µs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => -1,
            };
            if (unit < 0) return false;
            totalTicks += number * unit;
            span = span[j..];
        }
        if (totalTicks > TimeSpan.MaxValue.Ticks) return false;
        value = TimeSpan.FromTicks((long)Math.Round(totalTicks));
        return true;
    }
}
