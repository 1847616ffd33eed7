namespace Orchestrator.Store;

/// <summary>
/// The cluster IP slot and node ports that a stored service holds or that a write reserved (see
/// <see cref="ServiceAllocations"/>); the default value holds nothing.
/// </summary>
/// <param name="IPOffset">The slot of the cluster IP in the service CIDR, or null.</param>
/// <param name="NodePorts">The node ports; null or empty for none.</param>
internal readonly record struct ServiceHold(int? IPOffset, IReadOnlyList<int>? NodePorts)
{
    /// <summary>Nothing.</summary>
    public static ServiceHold None => default;

    /// <summary>True when it names no IP and no port.</summary>
    public bool IsEmpty => IPOffset is null && (NodePorts is null || NodePorts.Count == 0);

    /// <summary>True when it holds <paramref name="nodePort"/>.</summary>
    public bool HoldsNodePort(int nodePort) => NodePorts?.Contains(nodePort) == true;
}
