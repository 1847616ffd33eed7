using System.Globalization;
using System.Net;

namespace Orchestrator.Docker.Networking;

/// <summary>
/// Reads the kernel's socket tables (<c>/proc/net/{tcp,tcp6,udp,udp6}</c>) of this process's network namespace: which
/// local addresses have a TCP listener or a bound UDP socket. Used to tell a live Service address from a leftover.
/// </summary>
internal static class SocketTable
{
    private const string TcpListen = "0A";

    /// <summary>
    /// The local addresses that have a listening TCP socket or a bound UDP socket, IPv4-mapped IPv6 addresses mapped to
    /// IPv4. Empty where <c>/proc/net</c> does not exist.
    /// </summary>
    public static HashSet<IPAddress> BoundAddresses(string procNet = "/proc/net")
    {
        var bound = new HashSet<IPAddress>();
        foreach (var (file, tcp) in new[] { ("tcp", true), ("tcp6", true), ("udp", false), ("udp6", false) })
        {
            var path = Path.Combine(procNet, file);
            if (!File.Exists(path)) continue;
            foreach (var line in File.ReadLines(path).Skip(1))
            {
                if (Parse(line, tcp) is { } address) bound.Add(address);
            }
        }
        return bound;
    }

    /// <summary>
    /// The local address of one table line (<c>sl local_address rem_address st …</c>, addresses as the kernel's
    /// in-memory 32-bit words in hex) when it counts as bound: any UDP socket, a TCP socket only when listening.
    /// </summary>
    public static IPAddress? Parse(string line, bool tcp)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 4 || (tcp && fields[3] != TcpListen)) return null;
        var hex = fields[1].Split(':')[0];
        if (hex.Length is not (8 or 32)) return null;
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < hex.Length / 8; word++)
        {
            if (!uint.TryParse(hex.AsSpan(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value)) return null;
            // Each word is printed as the machine's integer: its bytes in memory are the address bytes in network order.
            BitConverter.GetBytes(value).CopyTo(bytes, word * 4);
        }
        var address = new IPAddress(bytes);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }
}
