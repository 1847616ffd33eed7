using Orchestrator.Api;

namespace Orchestrator.Scheduling;

/// <summary>A host port a pod binds on its node: address, protocol and port.</summary>
/// <param name="Ip">The node address; <c>0.0.0.0</c> (every address) when the container port does not name one.</param>
/// <param name="Protocol">The protocol, <c>TCP</c> when unset.</param>
/// <param name="Port">The host port number.</param>
internal readonly record struct HostPort(string Ip, string Protocol, int Port)
{
    /// <summary>The address meaning every address of the node.</summary>
    public const string AnyIp = "0.0.0.0";

    /// <summary>
    /// True when both cannot be bound on one node: same port and protocol, and the same address or either is
    /// <c>0.0.0.0</c> (Kubernetes' <c>HostPortInfo.CheckConflict</c>).
    /// </summary>
    public bool ConflictsWith(HostPort other) =>
        Port == other.Port && Protocol == other.Protocol && (Ip == other.Ip || Ip == AnyIp || other.Ip == AnyIp);

    /// <summary>The host ports the application containers of <paramref name="spec"/> request.</summary>
    public static HostPort[] Of(PodSpec spec)
    {
        List<HostPort>? ports = null;
        foreach (var container in spec.Containers)
        {
            foreach (var port in container.Ports)
            {
                if (port.HostPort <= 0) continue;
                ports ??= [];
                ports.Add(new HostPort(
                    string.IsNullOrEmpty(port.HostIP) ? AnyIp : port.HostIP,
                    string.IsNullOrEmpty(port.Protocol) ? Api.Protocol.Tcp : port.Protocol,
                    port.HostPort));
            }
        }
        return ports?.ToArray() ?? [];
    }
}
