using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Validation;

namespace Orchestrator.Store;

/// <summary>
/// The service IP and node port allocators of the store (the Kubernetes API server's service registry): which cluster
/// IPs of <see cref="InMemoryObjectStoreOptions.ServiceClusterIPRange"/> and node ports of
/// <see cref="InMemoryObjectStoreOptions.ServiceNodePortRange"/> stored services hold. Thread-safe.
/// </summary>
/// <remarks>
/// <para>A write reserves what the new state needs before it commits (<see cref="Reserve"/>), gives the reservation
/// back when the commit does not happen (<see cref="Release"/>), and after a commit releases what the old state held
/// and the new one does not. A reservation is all or nothing: when one address or port cannot be had, nothing stays
/// reserved and the write fails, so a failed or conflicting write never leaks. Released items are free at once.</para>
/// <para>Rules, as Kubernetes': every type but <c>ExternalName</c> gets a cluster IP unless it is headless
/// (<c>clusterIP: None</c>); <c>spec.clusterIPs</c> mirrors <c>spec.clusterIP</c>; a given IP must be in the range and
/// free. <c>NodePort</c> and <c>LoadBalancer</c> ports (the latter unless <c>allocateLoadBalancerNodePorts: false</c>)
/// with <c>nodePort: 0</c> get a free port, ports with the same <c>port</c> number (TCP and UDP) share one; a given
/// node port must be in the range and free. On update, a cluster IP or node port the new state omits is kept
/// (re-applying a manifest without them is not a change), the cluster IP cannot change except to or from
/// <c>ExternalName</c>, and switching to a type that does not use the IP or node ports drops them when the update
/// left them as they were.</para>
/// </remarks>
internal sealed class ServiceAllocations
{
    private const string None = "None";
    private const string SingleStack = "SingleStack";

    private readonly Lock _gate = new();
    private readonly AllocationBitmap _ips;
    private readonly AllocationBitmap _ports;
    private readonly Func<int, int> _random;

    /// <summary>Creates empty allocators over the given ranges.</summary>
    /// <param name="ipRange">The service CIDR.</param>
    /// <param name="portRange">The node port range.</param>
    /// <param name="random">Returns a number from 0 to its argument (exclusive); must be thread-safe.</param>
    public ServiceAllocations(ServiceIPRange ipRange, NodePortRange portRange, Func<int, int> random)
    {
        IPRange = ipRange;
        PortRange = portRange;
        _random = random;
        // Kubernetes sizes the static bands from the whole CIDR (network and broadcast included) and the port range.
        var cidrSize = ipRange.Family == System.Net.Sockets.AddressFamily.InterNetwork ? ipRange.Size + 2 : ipRange.Size + 1;
        _ips = new AllocationBitmap(ipRange.Size, Math.Min(AllocationBitmap.StaticBandFor(cidrSize, 16, 256, 16), ipRange.Size - 1));
        _ports = new AllocationBitmap(portRange.Size, Math.Min(AllocationBitmap.StaticBandFor(portRange.Size, 16, 128, 32), portRange.Size - 1));
    }

    /// <summary>The service CIDR.</summary>
    public ServiceIPRange IPRange { get; }

    /// <summary>The node port range.</summary>
    public NodePortRange PortRange { get; }

    /// <summary>How many cluster IPs are allocated.</summary>
    public int AllocatedIPs
    {
        get
        {
            lock (_gate) return _ips.Count;
        }
    }

    /// <summary>How many node ports are allocated.</summary>
    public int AllocatedNodePorts
    {
        get
        {
            lock (_gate) return _ports.Count;
        }
    }

    /// <summary>
    /// Before an update is validated: fills in the cluster IP, IP families and node ports the update omits from
    /// <paramref name="stored"/>, and drops those a type change makes meaningless when the update kept them unchanged.
    /// Pure; returns <paramref name="desired"/> itself when nothing changes.
    /// </summary>
    public static Service PrepareForUpdate(Service desired, Service stored)
    {
        var spec = desired.Spec;
        var old = stored.Spec;
        if (ReferenceEquals(spec, old)) return desired;
        // Kubernetes' patchAllocatedValues.
        if (NeedsClusterIP(old) && NeedsClusterIP(spec))
        {
            if (string.IsNullOrEmpty(spec.ClusterIP) && !string.IsNullOrEmpty(old.ClusterIP)) spec = spec with { ClusterIP = old.ClusterIP };
            if (spec.ClusterIPs.Count == 0 && old.ClusterIPs.Count > 0) spec = spec with { ClusterIPs = old.ClusterIPs };
            if (spec.IpFamilies.Count == 0 && old.IpFamilies.Count > 0) spec = spec with { IpFamilies = old.IpFamilies };
            if (spec.IpFamilyPolicy is null && old.IpFamilyPolicy is not null) spec = spec with { IpFamilyPolicy = old.IpFamilyPolicy };
        }
        if (NeedsNodePorts(old) && NeedsNodePorts(spec) && spec.Ports.Any(p => p.NodePort == 0))
        {
            var used = spec.Ports.Where(p => p.NodePort != 0).Select(p => p.NodePort).ToHashSet();
            var byName = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var port in old.Ports) byName[port.Name ?? ""] = port.NodePort;
            spec = spec with
            {
                Ports = [.. spec.Ports.Select(p => p.NodePort == 0 && byName.TryGetValue(p.Name ?? "", out var n) && n != 0 && !used.Contains(n) ? p with { NodePort = n } : p)],
            };
        }
        // Kubernetes' dropTypeDependentFields.
        if (NeedsClusterIP(old) && !NeedsClusterIP(spec))
        {
            if (spec.ClusterIP == old.ClusterIP && spec.ClusterIPs.SequenceEqual(old.ClusterIPs)) spec = spec with { ClusterIP = null, ClusterIPs = [] };
            if (spec.IpFamilies.SequenceEqual(old.IpFamilies)) spec = spec with { IpFamilies = [] };
            if (spec.IpFamilyPolicy == old.IpFamilyPolicy) spec = spec with { IpFamilyPolicy = null };
        }
        if (NeedsNodePorts(old) && !NeedsNodePorts(spec) && spec.Ports.Count == old.Ports.Count &&
            spec.Ports.Select(p => p.NodePort).SequenceEqual(old.Ports.Select(p => p.NodePort)) && spec.Ports.Any(p => p.NodePort != 0))
        {
            spec = spec with { Ports = [.. spec.Ports.Select(p => p with { NodePort = 0 })] };
        }
        return ReferenceEquals(spec, desired.Spec) ? desired : desired with { Spec = spec };
    }

    /// <summary>
    /// Reserves what <paramref name="service"/> needs beyond what <paramref name="stored"/> (null on create) holds, and
    /// returns the service with its allocated cluster IP(s), IP families and node ports filled in.
    /// </summary>
    /// <param name="service">The validated new state.</param>
    /// <param name="stored">The current state on update (already passed through <see cref="PrepareForUpdate"/>); null on create.</param>
    /// <param name="reserved">What was reserved for this write: give it to <see cref="Release"/> if the write does not commit.</param>
    /// <exception cref="ValidationException">A given IP or port is outside its range or taken, or the cluster IP was changed; nothing is reserved.</exception>
    /// <exception cref="InternalErrorException">A range is full; nothing is reserved.</exception>
    public Service Reserve(Service service, Service? stored, out ServiceHold reserved)
    {
        var spec = service.Spec;
        var errors = new ValidationErrors();
        var held = stored is null ? ServiceHold.None : HeldBy(stored);
        var needsIP = NeedsClusterIP(spec);

        if (needsIP)
        {
            if (string.IsNullOrEmpty(spec.ClusterIP) && spec.ClusterIPs.Count > 0) spec = spec with { ClusterIP = spec.ClusterIPs[0] };
            if (!string.IsNullOrEmpty(spec.ClusterIP) && spec.ClusterIPs.Count == 0) spec = spec with { ClusterIPs = [spec.ClusterIP] };
            if (spec.ClusterIPs.Count > 0 && spec.ClusterIPs[0] != spec.ClusterIP)
            {
                errors.Add("spec.clusterIPs[0]", $"Invalid value: \"{spec.ClusterIPs[0]}\": must match `clusterIP` when set");
            }
            for (var i = 1; i < spec.ClusterIPs.Count; i++)
            {
                errors.Add($"spec.clusterIPs[{i}]", $"Invalid value: \"{spec.ClusterIPs[i]}\": may not be set: the cluster is single-stack ({IPRange.Cidr})");
            }
            if (stored is not null && NeedsClusterIP(stored.Spec) && !string.IsNullOrEmpty(stored.Spec.ClusterIP) && spec.ClusterIP != stored.Spec.ClusterIP)
            {
                errors.Add("spec.clusterIP", $"Invalid value: \"{spec.ClusterIP}\": field is immutable");
            }
            if (spec.IpFamilies.Count == 0) spec = spec with { IpFamilies = [IPRange.FamilyName] };
            for (var i = 0; i < spec.IpFamilies.Count; i++)
            {
                if (spec.IpFamilies[i] != IPRange.FamilyName)
                {
                    errors.Add($"spec.ipFamilies[{i}]", $"Invalid value: \"{spec.IpFamilies[i]}\": not configured on this cluster");
                }
            }
            spec = spec.IpFamilyPolicy is null ? spec with { IpFamilyPolicy = SingleStack } : spec;
        }

        int? ipOffset = null;
        var ports = new List<int>();
        var changedPorts = (ServicePort[]?)null;
        lock (_gate)
        {
            try
            {
                if (needsIP && spec.ClusterIP != None && errors.IsValid)
                {
                    if (string.IsNullOrEmpty(spec.ClusterIP))
                    {
                        var next = _ips.AllocateNext(_random);
                        if (next < 0) throw new InternalErrorException(
                            $"failed to allocate a serviceIP: range is full (all {IPRange.Size} addresses of {IPRange.Cidr} are allocated)");
                        ipOffset = next;
                        var ip = IPRange.At(next).ToString();
                        spec = spec with { ClusterIP = ip, ClusterIPs = [ip] };
                    }
                    else if (!IPRange.TryGetOffset(spec.ClusterIP, out var offset))
                    {
                        errors.Add("spec.clusterIPs[0]",
                            $"Invalid value: \"{spec.ClusterIP}\": provided IP is not in the valid range. The range of valid IPs is {IPRange.Cidr}");
                    }
                    else if (offset != held.IPOffset)
                    {
                        if (_ips.TryAllocate(offset)) ipOffset = offset;
                        else errors.Add("spec.clusterIPs[0]", $"Invalid value: \"{spec.ClusterIP}\": provided IP is already allocated");
                    }
                }

                if (spec.Type is ServiceType.NodePort or ServiceType.LoadBalancer)
                {
                    // Given ports first, so that a port left at 0 can share the node port given to its TCP/UDP twin.
                    for (var i = 0; i < spec.Ports.Count; i++)
                    {
                        var nodePort = spec.Ports[i].NodePort;
                        if (nodePort == 0 || ports.Contains(nodePort) || held.HoldsNodePort(nodePort)) continue;
                        if (!PortRange.Contains(nodePort))
                        {
                            errors.Add($"spec.ports[{i}].nodePort",
                                $"Invalid value: {nodePort}: provided port is not in the valid range. The range of valid ports is {PortRange}");
                        }
                        else if (_ports.TryAllocate(nodePort - PortRange.Min)) ports.Add(nodePort);
                        else errors.Add($"spec.ports[{i}].nodePort", $"Invalid value: {nodePort}: provided port is already allocated");
                    }
                    if (NeedsNodePorts(spec) && errors.IsValid)
                    {
                        var byServicePort = new Dictionary<int, int>();
                        foreach (var port in spec.Ports) if (port.NodePort != 0) byServicePort.TryAdd(port.Port, port.NodePort);
                        for (var i = 0; i < spec.Ports.Count; i++)
                        {
                            var port = spec.Ports[i];
                            if (port.NodePort != 0) continue;
                            if (!byServicePort.TryGetValue(port.Port, out var nodePort))
                            {
                                var index = _ports.AllocateNext(_random);
                                if (index < 0) throw new InternalErrorException(
                                    $"failed to allocate a nodePort: range is full (all {PortRange.Size} ports of {PortRange} are allocated)");
                                nodePort = PortRange.Min + index;
                                ports.Add(nodePort);
                                byServicePort[port.Port] = nodePort;
                            }
                            changedPorts ??= [.. spec.Ports];
                            changedPorts[i] = port with { NodePort = nodePort };
                        }
                    }
                }
                if (!errors.IsValid) throw new ValidationException(service.Kind, service.Metadata.Name, errors.Errors);
            }
            catch
            {
                ReleaseLocked(new ServiceHold(ipOffset, ports));
                throw;
            }
        }
        if (changedPorts is not null) spec = spec with { Ports = changedPorts };
        reserved = new ServiceHold(ipOffset, ports);
        return ReferenceEquals(spec, service.Spec) ? service : service with { Spec = spec };
    }

    /// <summary>What a stored service holds: its cluster IP and node ports (those inside the ranges).</summary>
    public ServiceHold HeldBy(Service service)
    {
        var spec = service.Spec;
        int? ip = NeedsClusterIP(spec) && IPRange.TryGetOffset(spec.ClusterIP, out var offset) ? offset : null;
        if (spec.Type is not (ServiceType.NodePort or ServiceType.LoadBalancer)) return new ServiceHold(ip, []);
        var ports = new List<int>();
        foreach (var port in spec.Ports)
        {
            if (port.NodePort != 0 && PortRange.Contains(port.NodePort) && !ports.Contains(port.NodePort)) ports.Add(port.NodePort);
        }
        return new ServiceHold(ip, ports);
    }

    /// <summary>Frees what <paramref name="hold"/> names. Idempotent per item.</summary>
    public void Release(ServiceHold hold)
    {
        if (hold.IsEmpty) return;
        lock (_gate) ReleaseLocked(hold);
    }

    /// <summary>After a committed update: frees what <paramref name="before"/> held and <paramref name="after"/> does not.</summary>
    public void ReleaseReplaced(Service before, Service after)
    {
        var old = HeldBy(before);
        if (old.IsEmpty) return;
        var current = HeldBy(after);
        Release(new ServiceHold(old.IPOffset == current.IPOffset ? null : old.IPOffset, [.. (old.NodePorts ?? []).Except(current.NodePorts ?? [])]));
    }

    private void ReleaseLocked(ServiceHold hold)
    {
        if (hold.IPOffset is { } ip) _ips.Release(ip);
        foreach (var port in hold.NodePorts ?? []) _ports.Release(port - PortRange.Min);
    }

    private static bool NeedsClusterIP(ServiceSpec spec) => spec.Type != ServiceType.ExternalName;

    private static bool NeedsNodePorts(ServiceSpec spec) =>
        spec.Type == ServiceType.NodePort || (spec.Type == ServiceType.LoadBalancer && spec.AllocateLoadBalancerNodePorts != false);
}
