using System.Collections.Concurrent;
using System.Net;
using Orchestrator.Networking;

namespace Orchestrator.Tests.Networking;

/// <summary>
/// An <see cref="IServiceHostNetwork"/> for core tests: every 127.0.0.0/8 address is already local on Linux, so "adding"
/// one only records it; addresses outside 127/8 are refused the way an unprivileged host refuses <c>ip addr add</c>.
/// </summary>
internal sealed class LoopbackServiceHostNetwork(params IPAddress[] podFacing) : IServiceHostNetwork
{
    private volatile IPAddress[] _podFacing = podFacing;

    public ConcurrentDictionary<IPAddress, int> Added { get; } = new();

    public ConcurrentQueue<IPAddress> Removed { get; } = new();

    public void SetPodFacing(params IPAddress[] addresses) => _podFacing = addresses;

    public ValueTask<IReadOnlyList<IPAddress>> GetPodFacingAddressesAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<IPAddress>>(_podFacing);

    public ValueTask AddVirtualAddressAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        if (address.GetAddressBytes()[0] != 127)
        {
            throw new NetworkException($"adding {address} needs CAP_NET_ADMIN (test host network: only 127/8 is allowed)");
        }
        Added.AddOrUpdate(address, 1, (_, n) => n + 1);
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveVirtualAddressAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        Added.TryRemove(address, out _);
        Removed.Enqueue(address);
        return ValueTask.CompletedTask;
    }
}
