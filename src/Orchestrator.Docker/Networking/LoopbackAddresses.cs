using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Networking;

namespace Orchestrator.Docker.Networking;

/// <summary>
/// Service virtual IPs as host addresses on the loopback device: <c>ip addr add &lt;vip&gt;/32 dev lo label lo:orch</c>.
/// Containers of every local engine reach a listener bound to such an address (their traffic to it is routed to the
/// host), and the client's pod IP stays the source address. Dummy interfaces would be the tidier home but are not
/// available on every kernel; <c>lo</c> always is.
/// </summary>
/// <remarks>
/// <para>Ownership: the addresses this instance added (or found already present with its label, a leftover it now
/// reuses) are removed by <see cref="RemoveAsync"/> and on disposal; any other address is never touched.</para>
/// <para>Leftovers of a process that crashed: before the first address is added, addresses labelled <see cref="Label"/>
/// inside <c>reapRange</c> with no listening socket on them are removed. A live orchestrator on the same machine
/// always has a listener on each of its addresses, so with one service range per process this only removes
/// leftovers.</para>
/// <para>Thread-safe: changes are serialised (each is one short <c>ip</c> invocation).</para>
/// </remarks>
internal sealed class LoopbackAddresses : IAsyncDisposable, IDisposable
{
    /// <summary>The device the addresses go on.</summary>
    public const string Device = "lo";

    /// <summary>The label of the IPv4 addresses this class adds, which tells them apart from anyone else's.</summary>
    public const string Label = "lo:orch";

    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(30);

    private readonly IpCommand _ip;
    private readonly IPNetwork? _reapRange;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly HashSet<IPAddress> _owned = [];
    private bool _reaped;
    private bool _disposed;

    /// <param name="ip">Runs <c>ip</c>.</param>
    /// <param name="reapRange">Leftovers inside it are removed before the first add; null removes none.</param>
    /// <param name="logger">Logs changes and failures.</param>
    public LoopbackAddresses(IpCommand ip, IPNetwork? reapRange = null, ILogger? logger = null)
    {
        _ip = ip;
        _reapRange = reapRange;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The addresses this instance owns now.</summary>
    public IReadOnlyCollection<IPAddress> Owned
    {
        get
        {
            lock (_owned) return [.. _owned];
        }
    }

    /// <summary>Adds <paramref name="address"/> to <c>lo</c> unless present. Idempotent.</summary>
    /// <exception cref="NetworkException">Not permitted (the message says what to do), or <c>ip</c> failed.</exception>
    /// <exception cref="ArgumentException">The address cannot be a Service address (unspecified, loopback, multicast).</exception>
    public async Task AddAsync(IPAddress address, CancellationToken cancellationToken)
    {
        Validate(address);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_reaped)
            {
                _reaped = true;
                await ReapAsync(cancellationToken).ConfigureAwait(false);
            }
            lock (_owned)
            {
                if (_owned.Contains(address)) return;
            }
            var result = await _ip.RunAsync(AddArguments(address), cancellationToken).ConfigureAwait(false);
            var ours = true;
            if (result.ExitCode != 0)
            {
                if (!IsAlreadyPresent(result.Error)) throw Failure("adding", address, result.Error);
                // Present already: ours to manage only when it carries our label (a leftover of an earlier run).
                ours = (await ListLabelledAsync(cancellationToken).ConfigureAwait(false)).Contains(address);
            }
            if (ours)
            {
                lock (_owned) _owned.Add(address);
            }
            DockerServiceNetworkLog.AddressAdded(_logger, address, Device, ours);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Removes <paramref name="address"/> if this instance owns it. Idempotent.</summary>
    /// <exception cref="NetworkException">Not permitted, or <c>ip</c> failed.</exception>
    public async Task RemoveAsync(IPAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_owned)
            {
                if (!_owned.Contains(address)) return;
            }
            await DeleteAsync(address, cancellationToken).ConfigureAwait(false);
            lock (_owned) _owned.Remove(address);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Removes every address this instance owns; failures are logged. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(DisposeTimeout);
        try
        {
            await _lock.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var address in Owned)
            {
                try
                {
                    await DeleteAsync(address, timeout.Token).ConfigureAwait(false);
                    lock (_owned) _owned.Remove(address);
                }
                catch (Exception e) when (e is NetworkException or OperationCanceledException)
                {
                    DockerServiceNetworkLog.AddressRemoveFailed(_logger, address, Device, e.Message);
                }
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The IPv4 addresses on <c>lo</c> labelled <see cref="Label"/>.</summary>
    public async Task<IReadOnlyList<IPAddress>> ListLabelledAsync(CancellationToken cancellationToken)
    {
        var result = await _ip.RunAsync(["-o", "-4", "addr", "show", "dev", Device, "label", Label], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0) throw Failure("listing", null, result.Error);
        return ParseAddresses(result.Output);
    }

    /// <summary>The addresses in <c>ip -o addr show</c> output (<c>1: lo    inet 10.96.0.10/32 scope global lo:orch …</c>).</summary>
    public static IReadOnlyList<IPAddress> ParseAddresses(string output)
    {
        var addresses = new List<IPAddress>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var inet = Array.FindIndex(fields, f => f is "inet" or "inet6");
            if (inet < 0 || inet + 1 >= fields.Length) continue;
            var text = fields[inet + 1].Split('/')[0];
            if (IPAddress.TryParse(text, out var address)) addresses.Add(address);
        }
        return addresses;
    }

    private async Task ReapAsync(CancellationToken cancellationToken)
    {
        if (_reapRange is not { } range) return;
        IReadOnlyList<IPAddress> labelled;
        try
        {
            labelled = await ListLabelledAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NetworkException e)
        {
            DockerServiceNetworkLog.ReapFailed(_logger, e.Message);
            return;
        }
        var candidates = labelled.Where(range.Contains).ToList();
        if (candidates.Count == 0) return;
        var bound = SocketTable.BoundAddresses();
        foreach (var address in candidates.Where(a => !bound.Contains(a)))
        {
            try
            {
                await DeleteAsync(address, cancellationToken).ConfigureAwait(false);
                DockerServiceNetworkLog.LeftoverRemoved(_logger, address, Device);
            }
            catch (NetworkException e)
            {
                DockerServiceNetworkLog.ReapFailed(_logger, e.Message);
            }
        }
    }

    private async Task DeleteAsync(IPAddress address, CancellationToken cancellationToken)
    {
        var result = await _ip.RunAsync(Arguments("del", address), cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0 && !IsAbsent(result.Error)) throw Failure("removing", address, result.Error);
        DockerServiceNetworkLog.AddressRemoved(_logger, address, Device);
    }

    private static string[] AddArguments(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork ? [.. Arguments("add", address), "label", Label] : Arguments("add", address);

    private static string[] Arguments(string verb, IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork
        ? ["-4", "addr", verb, $"{address}/32", "dev", Device]
        : ["-6", "addr", verb, $"{address}/128", "dev", Device, .. verb == "add" ? new[] { "nodad" } : []];

    private static void Validate(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast) ||
            IPAddress.IsLoopback(address) || address.IsIPv6Multicast ||
            (address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes()[0] is >= 224 and < 240))
        {
            throw new ArgumentException($"{address} cannot be a Service virtual address.", nameof(address));
        }
    }

    // Older iproute2 prints the kernel's errno text; newer prints the extended ack message.
    private static bool IsAlreadyPresent(string error) =>
        error.Contains("File exists", StringComparison.OrdinalIgnoreCase) || error.Contains("already assigned", StringComparison.OrdinalIgnoreCase);

    private static bool IsAbsent(string error) =>
        error.Contains("Cannot assign requested address", StringComparison.OrdinalIgnoreCase) ||
        error.Contains("not found", StringComparison.OrdinalIgnoreCase) ||
        error.Contains("No such", StringComparison.OrdinalIgnoreCase);

    private NetworkException Failure(string action, IPAddress? address, string error)
    {
        var what = address is null ? $"{action} the addresses of {Device}" : $"{action} the Service address {address} on {Device}";
        if (error.Contains("Operation not permitted", StringComparison.OrdinalIgnoreCase) ||
            error.Contains("Permission denied", StringComparison.OrdinalIgnoreCase))
        {
            return new NetworkException(
                $"{what} was refused ({error}): Service virtual IPs (in-pod ClusterIP) need root or CAP_NET_ADMIN. Run the " +
                "orchestrator as root, or grant it CAP_NET_ADMIN and CAP_NET_BIND_SERVICE (e.g. `setcap " +
                "cap_net_admin,cap_net_bind_service+ep` on the host executable), or set Orchestrator:Services:Enabled=false. " +
                "Without it Services stay reachable from this process (GetServiceAddressAsync) and on NodePorts at 127.0.0.1.");
        }
        return new NetworkException(
            $"{what} failed: `{_ip} {string.Join(' ', address is null ? ["addr", "show"] : Arguments(action == "adding" ? "add" : "del", address))}` said: {(error.Length == 0 ? "(nothing)" : error)}");
    }

    /// <summary>For logs and messages.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Device} ({_owned.Count} addresses)");
}
