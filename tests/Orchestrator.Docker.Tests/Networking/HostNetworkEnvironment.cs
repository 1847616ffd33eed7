using System.Diagnostics;
using System.Net;
using Orchestrator.Docker.Networking;

namespace Orchestrator.Docker.Tests.Networking;

/// <summary>
/// The policy for tests that change this machine's addresses: they need Linux, iproute2 and CAP_NET_ADMIN (root in CI).
/// Without them the tests are ignored on a developer machine and fail under <c>CI=true</c>, like the Docker tests.
/// Each test takes addresses from its own random /24 of 10.254.0.0/16 so that concurrent tests never touch each
/// other's addresses.
/// </summary>
internal static class HostNetworkEnvironment
{
    public static void RequireNetAdmin()
    {
        if (HostPrivileges.Missing() is { } missing)
        {
            var message = $"Changing addresses on lo needs {missing} (run the tests as root).";
            if (DockerTestEnvironment.IsCi) Assert.Fail("CI=true: " + message);
            Assert.Ignore(message);
        }
    }

    /// <summary>A /24 of 10.254.0.0/16 for one test.</summary>
    public static IPNetwork NewRange() => new(new IPAddress([10, 254, (byte)Random.Shared.Next(1, 255), 0]), 24);

    public static IPAddress At(IPNetwork range, int host)
    {
        var bytes = range.BaseAddress.GetAddressBytes();
        bytes[3] = (byte)host;
        return new IPAddress(bytes);
    }

    /// <summary>The IPv4 addresses on lo with their labels, read with the real <c>ip</c>.</summary>
    public static Dictionary<IPAddress, string> AddressesOnLo()
    {
        var result = new Dictionary<IPAddress, string>();
        foreach (var line in Run("-o", "-4", "addr", "show", "dev", "lo").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var inet = Array.IndexOf(fields, "inet");
            // "1: lo    inet 10.254.7.1/32 scope global lo:orch\       valid_lft forever …": the label ends with a backslash.
            result[IPAddress.Parse(fields[inet + 1].Split('/')[0])] = fields.First(f => f.EndsWith('\\')).TrimEnd('\\');
        }
        return result;
    }

    /// <summary>Runs the real <c>ip</c> and returns its output; fails the test on a non-zero exit.</summary>
    public static string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(10_000)) Assert.Fail($"ip {string.Join(' ', arguments)} hung");
        if (process.ExitCode != 0) Assert.Fail($"ip {string.Join(' ', arguments)}: {error}");
        return output;
    }

    /// <summary>Removes every address of <paramref name="range"/> from lo (teardown); ignores absent ones.</summary>
    public static void RemoveAll(IPNetwork range)
    {
        foreach (var address in AddressesOnLo().Keys.Where(range.Contains))
        {
            try
            {
                Run("addr", "del", $"{address}/32", "dev", "lo");
            }
            catch (AssertionException)
            {
            }
        }
    }
}
