using System.Globalization;
using System.Text;
using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>The completion indexes of an <c>Indexed</c> Job and their compressed text form <c>"1,3-5,7"</c>.</summary>
internal static class CompletionIndexes
{
    /// <summary>Parses <c>"1,3-5,7"</c>; ignores malformed parts and indexes outside <c>[0, completions)</c>.</summary>
    public static SortedSet<int> Parse(string? text, int completions)
    {
        var result = new SortedSet<int>();
        if (string.IsNullOrWhiteSpace(text)) return result;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-');
            var lowText = dash < 0 ? part : part[..dash];
            var highText = dash < 0 ? part : part[(dash + 1)..];
            if (!int.TryParse(lowText, NumberStyles.None, CultureInfo.InvariantCulture, out var low) ||
                !int.TryParse(highText, NumberStyles.None, CultureInfo.InvariantCulture, out var high))
            {
                continue;
            }
            for (var i = Math.Max(0, low); i <= high && i < completions; i++) result.Add(i);
        }
        return result;
    }

    /// <summary>Formats indexes as ranges: <c>{1,3,4,5,7}</c> gives <c>"1,3-5,7"</c>; empty gives null.</summary>
    public static string? Format(IEnumerable<int> indexes)
    {
        var builder = new StringBuilder();
        int? start = null, previous = null;
        void Flush()
        {
            if (start is null) return;
            if (builder.Length > 0) builder.Append(',');
            builder.Append(start.Value.ToString(CultureInfo.InvariantCulture));
            if (previous != start) builder.Append('-').Append(previous!.Value.ToString(CultureInfo.InvariantCulture));
        }
        foreach (var index in indexes.Distinct().Order())
        {
            if (previous is { } p && index == p + 1)
            {
                previous = index;
                continue;
            }
            Flush();
            start = previous = index;
        }
        Flush();
        return builder.Length == 0 ? null : builder.ToString();
    }

    /// <summary>The completion index of a pod from its annotation (or label), or null when absent or malformed.</summary>
    public static int? Of(Pod pod)
    {
        var key = WellKnownLabels.JobCompletionIndex;
        var text = pod.Metadata.Annotations.TryGetValue(key, out var annotation) ? annotation
            : pod.Metadata.Labels.TryGetValue(key, out var label) ? label : null;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;
    }
}
