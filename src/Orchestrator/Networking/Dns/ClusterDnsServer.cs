using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Networking.Services;

namespace Orchestrator.Networking.Dns;

/// <summary>
/// The cluster DNS server (the role of CoreDNS): answers names in <see cref="ServiceNetworkingOptions.ClusterDomain"/>
/// from the informer caches (see <see cref="ClusterDnsResolver"/>) and forwards other names to the upstream servers
/// (SERVFAIL when none answers). Listens, UDP and TCP, on port 53 of every pod-facing address of the registered
/// <see cref="IServiceHostNetwork"/> (re-read every <see cref="ServiceNetworkingOptions.AddressRefreshInterval"/>) and on
/// <see cref="ServiceNetworkingOptions.DnsEndPoint"/> when set. Without either it does nothing.
/// </summary>
internal sealed class ClusterDnsServer : BackgroundService
{
    private const int MaxCnameHops = 8;

    private readonly SharedInformerFactory _informers;
    private readonly ServiceNetworkingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ServiceProxyMetrics _metrics;
    private readonly IServiceHostNetwork? _host;
    private readonly int _podFacingPort;
    private readonly DnsForwarder _forwarder;
    private readonly ConcurrentDictionary<IPEndPoint, DnsListener> _listeners = new();
    private readonly HashSet<IPEndPoint> _reported = [];
    private readonly TaskCompletionSource<IPEndPoint> _explicitEndPoint = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ClusterDnsResolver? _resolver;
    private IReadOnlyList<IPEndPoint> _upstreams = [];
    private int _nextId = Environment.TickCount;

    public ClusterDnsServer(
        SharedInformerFactory informers, ServiceNetworkingOptions options, TimeProvider time, ILogger logger,
        ServiceProxyMetrics metrics, IServiceHostNetwork? host = null, int podFacingPort = 53)
    {
        _informers = informers;
        _options = options;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _host = host;
        _podFacingPort = podFacingPort;
        _forwarder = new DnsForwarder(time, options.UpstreamDnsTimeout);
    }

    /// <summary>The endpoint bound for <see cref="ServiceNetworkingOptions.DnsEndPoint"/> (with the actual port), once listening.</summary>
    internal Task<IPEndPoint> ExplicitEndPoint => _explicitEndPoint.Task;

    /// <summary>The endpoints listened on now.</summary>
    internal IReadOnlyCollection<IPEndPoint> EndPoints => [.. _listeners.Values.Select(l => l.EndPoint)];

    /// <summary>The upstream servers in use.</summary>
    internal IReadOnlyList<IPEndPoint> Upstreams => Volatile.Read(ref _upstreams);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled || (_host is null && _options.DnsEndPoint is null))
        {
            // Nothing to serve; stay "running" like every other component until the host stops.
            _explicitEndPoint.TrySetCanceled(CancellationToken.None);
            await WaitForStopAsync(stoppingToken).ConfigureAwait(false);
            return;
        }
        var services = _informers.GetInformer<Service>();
        var endpoints = _informers.GetInformer<Endpoints>();
        try
        {
            await Task.WhenAll(services.WaitForSyncAsync(stoppingToken), endpoints.WaitForSyncAsync(stoppingToken)).ConfigureAwait(false);
            _resolver = new ClusterDnsResolver(services.Lister, endpoints.Lister, _options.ClusterDomain);
            if (_options.DnsEndPoint is { } text)
            {
                if (DnsForwarder.TryParseEndPoint(text, out var requested))
                {
                    UpdateUpstreams(new HashSet<IPEndPoint>());
                    Listen(requested, isExplicit: true);
                    UpdateUpstreams(new HashSet<IPEndPoint>());
                }
                else
                {
                    DnsLog.InvalidEndPoint(_logger, text);
                }
            }
            if (_host is null)
            {
                _explicitEndPoint.TrySetCanceled(CancellationToken.None);
                await WaitForStopAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            using var timer = new PeriodicTimer(_options.AddressRefreshInterval, _time);
            do
            {
                await RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _explicitEndPoint.TrySetCanceled(CancellationToken.None);
            foreach (var listener in _listeners.Values) listener.Dispose();
            _listeners.Clear();
        }
    }

    private static async Task WaitForStopAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Listens on port 53 of the current pod-facing addresses and stops listening on those that are gone.</summary>
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<IPAddress> addresses;
        try
        {
            addresses = await _host!.GetPodFacingAddressesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            DnsLog.AddressesFailed(_logger, e);
            return;
        }
        var wanted = addresses.Select(a => new IPEndPoint(a, _podFacingPort)).ToHashSet();
        UpdateUpstreams(wanted);
        foreach (var (endPoint, listener) in _listeners)
        {
            if (endPoint.Port != _podFacingPort || wanted.Contains(endPoint)) continue;
            if (_listeners.TryRemove(endPoint, out _))
            {
                listener.Dispose();
                DnsLog.StoppedListening(_logger, endPoint);
            }
        }
        foreach (var endPoint in wanted)
        {
            if (!_listeners.ContainsKey(endPoint)) Listen(endPoint, isExplicit: false);
        }
    }

    private void UpdateUpstreams(IReadOnlySet<IPEndPoint> podFacing)
    {
        var upstreams = DnsForwarder.ResolveUpstreams(_options.UpstreamDnsServers, e =>
            podFacing.Contains(e) || _listeners.ContainsKey(e) || podFacing.Any(p => p.Address.Equals(e.Address) && e.Port == 53));
        Volatile.Write(ref _upstreams, upstreams);
    }

    private void Listen(IPEndPoint endPoint, bool isExplicit)
    {
        try
        {
            var listener = DnsListener.Start(endPoint, HandleAsync);
            _listeners[isExplicit ? listener.EndPoint : endPoint] = listener;
            _reported.Remove(endPoint);
            if (isExplicit) _explicitEndPoint.TrySetResult(listener.EndPoint);
            DnsLog.Listening(_logger, listener.EndPoint, _options.ClusterDomain, DnsForwarder.Describe(Upstreams));
        }
        catch (System.Net.Sockets.SocketException e)
        {
            if (_reported.Add(endPoint)) DnsLog.BindFailed(_logger, endPoint, e.Message);
            if (isExplicit) _explicitEndPoint.TrySetException(e);
        }
    }

    /// <summary>Answers one request; null means no response (not a query at all).</summary>
    internal async ValueTask<byte[]?> HandleAsync(byte[] request, bool tcp, CancellationToken cancellationToken)
    {
        var transport = tcp ? "tcp" : "udp";
        try
        {
            if (!DnsQuery.TryParse(request, out var query, out var id))
            {
                if (request.Length < DnsQuery.HeaderSize || (request[2] & 0x80) != 0) return null;
                _metrics.DnsQuery(transport, "FORMERR", forwarded: false);
                return DnsResponseWriter.Error(id, (ushort)((request[2] << 8) | request[3]), DnsRcode.FormErr);
            }
            if (query!.IsResponse) return null;
            var limit = tcp ? 65535 : DnsResponseWriter.UdpLimit(query);
            if (query.Opcode != 0)
            {
                _metrics.DnsQuery(transport, "NOTIMP", forwarded: false);
                return DnsResponseWriter.Build(query, request, new DnsAnswer(DnsRcode.NotImp, false, [], []), limit);
            }
            var answer = _resolver!.Resolve(query.Question);
            if (answer.Forward)
            {
                var upstreams = Upstreams;
                var response = await _forwarder.ForwardAsync(request, tcp, upstreams, cancellationToken).ConfigureAwait(false);
                if (response is null)
                {
                    DnsLog.UpstreamFailed(_logger, query.Question.Name, DnsForwarder.Describe(upstreams));
                    answer = new DnsAnswer(DnsRcode.ServFail, false, [], []);
                }
                else
                {
                    var rcode = DnsRcode.Name(response.Length >= 4 ? response[3] & 0xF : DnsRcode.ServFail);
                    _metrics.DnsQuery(transport, rcode, forwarded: true);
                    DnsLog.Answered(_logger, transport, query.Question.Name, query.Question.Type, rcode, " (forwarded)");
                    return response;
                }
            }
            else if (answer.Answers is [{ Type: DnsType.Cname } cname] && query.Question.Type is not (DnsType.Cname or DnsType.Any))
            {
                answer = await ChaseCnameAsync(answer, cname.Target!, query.Question.Type, cancellationToken).ConfigureAwait(false);
            }
            var name = DnsRcode.Name(answer.Rcode);
            _metrics.DnsQuery(transport, name, answer.Forward);
            DnsLog.Answered(_logger, transport, query.Question.Name, query.Question.Type, name, "");
            return DnsResponseWriter.Build(query, request, answer, limit);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            DnsLog.HandlingFailed(_logger, e);
            return null;
        }
    }

    /// <summary>Appends the records of an ExternalName's target (resolved in the cluster or upstream) to its CNAME, as CoreDNS does.</summary>
    private async Task<DnsAnswer> ChaseCnameAsync(DnsAnswer answer, string target, ushort type, CancellationToken cancellationToken)
    {
        List<DnsResourceRecord> records = [.. answer.Answers];
        for (var hop = 0; hop < MaxCnameHops; hop++)
        {
            var local = _resolver!.Resolve(new DnsQuestion(target, type, 1));
            if (!local.Forward)
            {
                records.AddRange(local.Answers);
                if (local.Answers is [{ Type: DnsType.Cname } next])
                {
                    target = next.Target!;
                    continue;
                }
                return answer with { Answers = records };
            }
            var query = DnsForwarder.BuildQuery((ushort)Interlocked.Increment(ref _nextId), target, type);
            var response = await _forwarder.ForwardAsync(query, tcp: false, Upstreams, cancellationToken).ConfigureAwait(false);
            if (response is not null && DnsQuery.TryReadAnswers(response, out _, out var upstream))
            {
                foreach (var record in upstream)
                {
                    if (record.Type is DnsType.A && record.Data.Length == 4 || record.Type is DnsType.Aaaa && record.Data.Length == 16)
                    {
                        records.Add(new DnsResourceRecord(record.Name, record.Type, Math.Min(record.Ttl, ClusterDnsResolver.Ttl), new IPAddress(record.Data)));
                    }
                    else if (record.Type == DnsType.Cname && record.Target is { Length: > 0 })
                    {
                        records.Add(new DnsResourceRecord(record.Name, DnsType.Cname, Math.Min(record.Ttl, ClusterDnsResolver.Ttl), Target: record.Target));
                    }
                }
            }
            break;
        }
        return answer with { Answers = records };
    }
}
