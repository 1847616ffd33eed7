using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Networking.Services;

internal static partial class ServiceProxyLog
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Service proxy started (virtual IPs: {VirtualIps}; NodePort addresses: {NodePortAddresses})")]
    public static partial void Started(ILogger logger, bool virtualIps, string nodePortAddresses);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Debug, Message = "Service {Service}: listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, string service, IPEndPoint endPoint);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Debug, Message = "Service {Service}: stopped listening on {EndPoint}")]
    public static partial void StoppedListening(ILogger logger, string service, IPEndPoint endPoint);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Service {Service}: cannot listen on {EndPoint}: {Reason}")]
    public static partial void BindFailed(ILogger logger, string service, IPEndPoint endPoint, string reason);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning,
        Message = "Service virtual IPs are unavailable ({Reason}). Pods cannot reach Services at their ClusterIP; the loopback addresses (IServiceAddresses) and NodePorts on 127.0.0.1 keep working. Run as root (CAP_NET_ADMIN) to enable them.")]
    public static partial void VirtualIpsUnavailable(ILogger logger, Exception exception, string reason);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Debug, Message = "Service {Service}: adding virtual IP {Address} failed again: {Reason}")]
    public static partial void VirtualIpFailedAgain(ILogger logger, string service, IPAddress address, string reason);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Removing virtual IP {Address} failed")]
    public static partial void VirtualIpRemoveFailed(ILogger logger, Exception exception, IPAddress address);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Debug, Message = "Service {Service}: {Count} ready backend(s)")]
    public static partial void BackendsChanged(ILogger logger, string service, int count);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Debug, Message = "Service {Service}: connection closed, no ready endpoints")]
    public static partial void NoEndpoints(ILogger logger, string service);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Debug, Message = "Service {Service}: backend {Backend} failed ({Reason}); trying the next")]
    public static partial void BackendConnectFailed(ILogger logger, string service, IPEndPoint backend, string reason);

    [LoggerMessage(EventId = 7010, Level = LogLevel.Warning, Message = "Service {Service}: all {Count} backend(s) failed; connection closed")]
    public static partial void AllBackendsFailed(ILogger logger, string service, int count);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Debug, Message = "Service {Service}: relay failed")]
    public static partial void RelayFailed(ILogger logger, Exception exception, string service);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Debug, Message = "Accept on {EndPoint} failed: {Error}")]
    public static partial void AcceptFailed(ILogger logger, IPEndPoint endPoint, SocketError error);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Warning, Message = "Reading the pod-facing addresses failed; keeping the previous ones")]
    public static partial void AddressesFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7014, Level = LogLevel.Error, Message = "Syncing Service {Service} failed; retrying on its next change")]
    public static partial void SyncFailed(ILogger logger, Exception exception, string service);

    [LoggerMessage(EventId = 7015, Level = LogLevel.Debug, Message = "Service {Service}: port {Port}/{Protocol} is not proxied (protocol not supported)")]
    public static partial void UnsupportedProtocol(ILogger logger, string service, int port, string protocol);
}
