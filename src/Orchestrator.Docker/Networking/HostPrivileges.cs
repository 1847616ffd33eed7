using System.Globalization;

namespace Orchestrator.Docker.Networking;

/// <summary>
/// Whether this process may do what in-pod Service networking needs on Linux: add addresses to <c>lo</c>
/// (CAP_NET_ADMIN) and listen on port 53 (CAP_NET_BIND_SERVICE, unless <c>ip_unprivileged_port_start</c> allows it).
/// </summary>
internal static class HostPrivileges
{
    private const int CapNetBindService = 10;
    private const int CapNetAdmin = 12;

    /// <summary>True when both are allowed; false elsewhere than Linux or when <c>/proc</c> cannot be read.</summary>
    public static bool CanServePods(string proc = "/proc") => Missing(proc) is null;

    /// <summary>What is missing, for a message (for example <c>CAP_NET_ADMIN</c>); null when nothing is.</summary>
    public static string? Missing(string proc = "/proc")
    {
        if (!OperatingSystem.IsLinux()) return "Linux";
        ulong effective;
        try
        {
            var line = File.ReadLines(Path.Combine(proc, "self", "status")).FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
            if (line is null || !ulong.TryParse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out effective))
            {
                return "readable capabilities";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "readable capabilities";
        }
        var missing = new List<string>();
        if ((effective & (1UL << CapNetAdmin)) == 0) missing.Add("CAP_NET_ADMIN");
        if ((effective & (1UL << CapNetBindService)) == 0 && UnprivilegedPortStart(proc) > 53) missing.Add("CAP_NET_BIND_SERVICE");
        return missing.Count == 0 ? null : string.Join(" and ", missing);
    }

    private static int UnprivilegedPortStart(string proc)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(proc, "sys", "net", "ipv4", "ip_unprivileged_port_start")).Trim();
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) ? port : 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 1024;
        }
    }
}
