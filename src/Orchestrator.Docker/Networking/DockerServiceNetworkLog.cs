using System.Net;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Docker.Networking;

/// <summary>Log messages of the Docker side of the Service data plane (event ids 2200-2249).</summary>
internal static partial class DockerServiceNetworkLog
{
    [LoggerMessage(EventId = 2200, Level = LogLevel.Debug, Message = "Added Service address {Address} to {Device} (owned: {Owned})")]
    public static partial void AddressAdded(ILogger logger, IPAddress address, string device, bool owned);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Debug, Message = "Removed Service address {Address} from {Device}")]
    public static partial void AddressRemoved(ILogger logger, IPAddress address, string device);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Could not remove Service address {Address} from {Device}: {Error}")]
    public static partial void AddressRemoveFailed(ILogger logger, IPAddress address, string device, string error);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Information, Message = "Removed leftover Service address {Address} from {Device} (no listener; left by an earlier run)")]
    public static partial void LeftoverRemoved(ILogger logger, IPAddress address, string device);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Warning, Message = "Could not look for leftover Service addresses: {Error}")]
    public static partial void ReapFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 2210, Level = LogLevel.Warning, Message = "Could not read the gateway of pod network {Network} on {Address}: {Error}")]
    public static partial void GatewayFailed(ILogger logger, string network, string address, string error);

    [LoggerMessage(EventId = 2211, Level = LogLevel.Warning, Message =
        "Node {Node} runs on the Docker engine at {Address}, which is not on this machine: its pods cannot reach Service " +
        "virtual IPs, NodePorts on the pod network or cluster DNS (in-pod ClusterIP/DNS unavailable). This process still " +
        "reaches its Services (GetServiceAddressAsync) and its pods are still Service endpoints if their IPs are routable from here.")]
    public static partial void RemoteEngine(ILogger logger, string node, string address);

    [LoggerMessage(EventId = 2212, Level = LogLevel.Warning, Message =
        "In-pod ClusterIP and cluster DNS are off: the process lacks {Missing} (run it as root, or grant CAP_NET_ADMIN and " +
        "CAP_NET_BIND_SERVICE). Pods keep Docker's resolver; Services stay reachable from this process (GetServiceAddressAsync) and on NodePorts at 127.0.0.1.")]
    public static partial void Unprivileged(ILogger logger, string missing);

    [LoggerMessage(EventId = 2213, Level = LogLevel.Information, Message = "Pods of node {Node} use the cluster DNS at {Address}")]
    public static partial void ClusterDns(ILogger logger, string node, string address);
}
