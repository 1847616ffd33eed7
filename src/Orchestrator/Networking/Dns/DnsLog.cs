using System.Net;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Networking.Dns;

internal static partial class DnsLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "Cluster DNS listening on {EndPoint} (UDP and TCP) for {Domain}; upstream servers: {Upstreams}")]
    public static partial void Listening(ILogger logger, IPEndPoint endPoint, string domain, string upstreams);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning,
        Message = "Cluster DNS cannot listen on {EndPoint}: {Reason}. Pods using this address as their nameserver cannot resolve Service names; run as root (port 53) to enable it.")]
    public static partial void BindFailed(ILogger logger, IPEndPoint endPoint, string reason);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "Cluster DNS stopped listening on {EndPoint}")]
    public static partial void StoppedListening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Debug, Message = "DNS {Transport} query {Name} type {Type}: {Rcode}{Forwarded}")]
    public static partial void Answered(ILogger logger, string transport, string name, ushort type, string rcode, string forwarded);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Debug, Message = "No upstream DNS server answered {Name} (upstreams: {Upstreams})")]
    public static partial void UpstreamFailed(ILogger logger, string name, string upstreams);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Warning, Message = "Reading the pod-facing addresses failed; DNS keeps its current listeners")]
    public static partial void AddressesFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7106, Level = LogLevel.Debug, Message = "DNS request handling failed")]
    public static partial void HandlingFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7107, Level = LogLevel.Warning, Message = "Cluster DNS: the endpoint option \"{Value}\" is not an ip:port; ignored")]
    public static partial void InvalidEndPoint(ILogger logger, string value);
}
