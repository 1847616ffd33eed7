using System.Net;

namespace Orchestrator.Networking;

/// <summary>
/// An <see cref="INetworkProvider"/> that only hands out addresses: each sandbox gets a free IPv4 address of a CIDR
/// (never-used addresses first, then released ones, least recently released first, so an address is not reused soon). Nothing is
/// configured on the machine, so the addresses are not reachable; it serves the simulated runtime and tests. One
/// instance shared by every node gives cluster-wide unique pod IPs.
/// </summary>
public sealed class InProcessNetworkProvider : INetworkProvider
{
    /// <summary>The default pod CIDR, with room for about a million pods.</summary>
    public const string DefaultCidr = "10.240.0.0/12";

    private readonly object _gate = new();
    private readonly Dictionary<string, uint> _bySandbox = new(StringComparer.Ordinal);
    private readonly Queue<uint> _released = new();
    private readonly uint _first;
    private readonly uint _last;
    private uint _next;

    /// <summary>Creates a provider allocating from <paramref name="cidr"/>, for example <c>10.244.0.0/16</c>.</summary>
    /// <param name="cidr">An IPv4 CIDR with a prefix length from 8 to 30.</param>
    /// <param name="networkName">The value of <see cref="NetworkName"/>.</param>
    /// <exception cref="ArgumentException">The CIDR is not a valid IPv4 CIDR in that range.</exception>
    public InProcessNetworkProvider(string cidr = DefaultCidr, string? networkName = null)
    {
        var slash = cidr.IndexOf('/');
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var address) ||
            address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork ||
            !int.TryParse(cidr[(slash + 1)..], out var prefix) || prefix is < 8 or > 30)
        {
            throw new ArgumentException($"\"{cidr}\" is not an IPv4 CIDR with a prefix length from 8 to 30.", nameof(cidr));
        }
        var bytes = address.GetAddressBytes();
        var network = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        var mask = uint.MaxValue << (32 - prefix);
        network &= mask;
        _first = network + 2; // skip the network address and the gateway (.1)
        _last = (network | ~mask) - 1; // skip the broadcast address
        _next = _first;
        Cidr = cidr;
        NetworkName = networkName;
    }

    /// <summary>The CIDR addresses are allocated from.</summary>
    public string Cidr { get; }

    /// <inheritdoc/>
    public string? NetworkName { get; }

    /// <summary>How many addresses are allocated now.</summary>
    public int AllocatedCount
    {
        get
        {
            lock (_gate) return _bySandbox.Count;
        }
    }

    /// <inheritdoc/>
    public ValueTask<PodNetworkStatus> AttachAsync(PodNetworkAttachment attachment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        uint ip;
        lock (_gate)
        {
            if (!_bySandbox.TryGetValue(attachment.SandboxId, out ip))
            {
                if (_next <= _last) ip = _next++;
                else if (!_released.TryDequeue(out ip))
                {
                    throw new NetworkException($"no free pod address left in {Cidr}");
                }
                _bySandbox.Add(attachment.SandboxId, ip);
            }
        }
        return ValueTask.FromResult(new PodNetworkStatus([Format(ip)]));
    }

    /// <inheritdoc/>
    public ValueTask DetachAsync(PodNetworkAttachment attachment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        lock (_gate)
        {
            if (_bySandbox.Remove(attachment.SandboxId, out var ip)) _released.Enqueue(ip);
        }
        return ValueTask.CompletedTask;
    }

    private static string Format(uint ip) => $"{ip >> 24}.{(ip >> 16) & 0xFF}.{(ip >> 8) & 0xFF}.{ip & 0xFF}";
}
