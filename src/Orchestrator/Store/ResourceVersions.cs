using System.Globalization;

namespace Orchestrator.Store;

/// <summary>Formatting and parsing of resourceVersions: decimal strings of a positive 64-bit counter.</summary>
internal static class ResourceVersions
{
    public static string Format(long resourceVersion) => resourceVersion.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out long resourceVersion) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out resourceVersion);
}
