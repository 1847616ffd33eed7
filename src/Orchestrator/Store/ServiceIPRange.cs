using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Store;

/// <summary>
/// The addresses of a service CIDR the IP allocator hands out, numbered from 0: slot <c>i</c> is the network address
/// plus <c>i + 1</c>. As in Kubernetes, the network address is never used, nor the broadcast address of an IPv4 range,
/// and an IPv6 range is capped at 65,536 slots.
/// </summary>
internal sealed class ServiceIPRange
{
    /// <summary>The most host bits a range may have (a /12 for IPv4), which bounds the allocation bitmap to 128 KiB.</summary>
    public const int MaxHostBits = 20;

    private const int MaxIPv6Slots = 65536;

    private readonly UInt128 _first;
    private readonly int _byteLength;

    private ServiceIPRange(string cidr, AddressFamily family, UInt128 first, int size, int byteLength)
    {
        Cidr = cidr;
        Family = family;
        _first = first;
        Size = size;
        _byteLength = byteLength;
    }

    /// <summary>The range in canonical CIDR notation, e.g. <c>10.96.0.0/12</c>.</summary>
    public string Cidr { get; }

    /// <summary><see cref="AddressFamily.InterNetwork"/> or <see cref="AddressFamily.InterNetworkV6"/>.</summary>
    public AddressFamily Family { get; }

    /// <summary>Kubernetes' name of <see cref="Family"/>: <c>IPv4</c> or <c>IPv6</c>.</summary>
    public string FamilyName => Family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";

    /// <summary>How many addresses can be allocated.</summary>
    public int Size { get; }

    /// <summary>Parses a CIDR such as <c>10.96.0.0/12</c> (host bits are masked off).</summary>
    /// <exception cref="ArgumentException">The text is not a CIDR, or the range has fewer than 2 or more than 2^20 addresses.</exception>
    public static ServiceIPRange Parse(string cidr)
    {
        ArgumentNullException.ThrowIfNull(cidr);
        if (!IPNetwork.TryParse(cidr.Trim(), out var network))
        {
            // IPNetwork.TryParse rejects set host bits; Kubernetes (Go's ParseCIDR) masks them off.
            var slash = cidr.IndexOf('/');
            if (slash < 0 || !IPAddress.TryParse(cidr.AsSpan(0, slash), out var address) || !int.TryParse(cidr.AsSpan(slash + 1), out var prefix) ||
                prefix < 0 || prefix > (address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
            {
                throw new ArgumentException($"\"{cidr}\" is not a valid CIDR such as 10.96.0.0/12.", nameof(cidr));
            }
            network = new IPNetwork(Mask(address, prefix), prefix);
        }
        var bytes = network.BaseAddress.GetAddressBytes();
        var hostBits = bytes.Length * 8 - network.PrefixLength;
        if (hostBits is < 2 or > MaxHostBits)
        {
            throw new ArgumentException(
                $"The service IP range \"{cidr}\" must have between 2 and {MaxHostBits} host bits (a prefix from /12 to /30 for IPv4, /108 to /126 for IPv6).", nameof(cidr));
        }
        var v4 = bytes.Length == 4;
        var total = 1 << hostBits;
        // IPv4 loses the network and broadcast addresses, IPv6 only the subnet-router anycast (network) address.
        var usable = total - (v4 ? 2 : 1);
        var size = v4 ? usable : Math.Min(usable, MaxIPv6Slots);
        return new ServiceIPRange($"{network.BaseAddress}/{network.PrefixLength}", network.BaseAddress.AddressFamily, ToNumber(bytes) + 1, size, bytes.Length);
    }

    /// <summary>The slot of <paramref name="address"/>, or false when it is outside the allocatable part of the range.</summary>
    public bool TryGetOffset(IPAddress address, out int offset)
    {
        offset = -1;
        if (address.AddressFamily != Family) return false;
        var number = ToNumber(address.GetAddressBytes());
        if (number < _first || number - _first >= (UInt128)Size) return false;
        offset = (int)(number - _first);
        return true;
    }

    /// <summary>The slot of <paramref name="text"/> if it is an address inside the range; otherwise false.</summary>
    public bool TryGetOffset(string? text, out int offset)
    {
        offset = -1;
        return IPAddress.TryParse(text, out var address) && TryGetOffset(address, out offset);
    }

    /// <summary>The address of slot <paramref name="offset"/>.</summary>
    public IPAddress At(int offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(offset, Size);
        var number = _first + (UInt128)offset;
        var bytes = new byte[_byteLength];
        for (var i = _byteLength - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(number & 0xFF);
            number >>= 8;
        }
        return new IPAddress(bytes);
    }

    /// <inheritdoc/>
    public override string ToString() => Cidr;

    private static UInt128 ToNumber(byte[] bytes)
    {
        UInt128 number = 0;
        foreach (var b in bytes) number = (number << 8) | b;
        return number;
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPAddress(bytes);
    }
}
