using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Controllers;

namespace Orchestrator.Networking.Services;

/// <summary>
/// The in-process Service proxy (kube-proxy's userspace mode). Watches Services and Endpoints through the shared
/// informers and keeps, for each Service port (TCP or UDP), a <see cref="PortBalancer"/> fed with the ready addresses of
/// the Endpoints subset whose port name equals the Service port's name, and listeners on:
/// <list type="bullet">
/// <item><c>127.0.0.1:&lt;ephemeral&gt;</c>, always (returned by <see cref="GetServiceAddressAsync"/>), also for headless
/// Services;</item>
/// <item><c>&lt;clusterIP&gt;:&lt;port&gt;</c> when an <see cref="IServiceHostNetwork"/> is registered and the virtual IP could
/// be added;</item>
/// <item><c>&lt;address&gt;:&lt;nodePort&gt;</c> for NodePort and LoadBalancer Services, on every NodePort address.</item>
/// </list>
/// ExternalName Services have no listeners. All state changes happen on one sync loop; connections read the published
/// backend snapshots without locks.
/// </summary>
internal sealed partial class ServiceProxy : BackgroundService, IServiceAddresses
{
    private static readonly IPEndPoint LoopbackRequest = new(IPAddress.Loopback, 0);
    private static readonly TimeSpan VirtualIpRetryDelay = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan DefaultAddressWait = TimeSpan.FromMinutes(1);

    private readonly SharedInformerFactory _informers;
    private readonly ServiceNetworkingOptions _options;
    private readonly IServiceHostNetwork? _host;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ProxyContext _context;
    private readonly Channel<ObjectKey> _queue = Channel.CreateUnbounded<ObjectKey>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<ObjectKey, byte> _pending = new();
    private readonly Dictionary<ObjectKey, ProxiedService> _services = [];
    private readonly ConcurrentDictionary<(string Namespace, string Name, int Port), IPEndPoint> _addresses = new();
    private TaskCompletionSource _changed = NewSignal();
    private IInformer<Service>? _serviceInformer;
    private IPAddress[] _nodePortAddresses = [IPAddress.Loopback];
    private long _virtualIpRetryAt;
    private bool _virtualIpWarned;

    public ServiceProxy(
        SharedInformerFactory informers, ServiceNetworkingOptions options, TimeProvider time, ILogger logger,
        ServiceProxyMetrics metrics, IServiceHostNetwork? host = null)
    {
        _informers = informers;
        _options = options;
        _host = host;
        _time = time;
        _logger = logger;
        _context = new ProxyContext(options, time, logger, metrics);
    }

    /// <summary>How many TCP connections and UDP flows are being relayed (for tests).</summary>
    internal int OpenRelays => _context.OpenCount;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            // Disabled: stay "running" like every other component until the host stops.
            await Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            return;
        }
        var services = _informers.GetInformer<Service>();
        var endpoints = _informers.GetInformer<Endpoints>();
        using var serviceHandler = services.AddEventHandler(s => Enqueue(s), (_, s) => Enqueue(s), s => Enqueue(s));
        using var endpointsHandler = endpoints.AddEventHandler(e => Enqueue(e), (_, e) => Enqueue(e), e => Enqueue(e));
        try
        {
            await Task.WhenAll(services.WaitForSyncAsync(stoppingToken), endpoints.WaitForSyncAsync(stoppingToken)).ConfigureAwait(false);
            _serviceInformer = services;
            await RefreshNodePortAddressesAsync(stoppingToken).ConfigureAwait(false);
            ServiceProxyLog.Started(_logger, _host is not null, string.Join(", ", (object[])_nodePortAddresses));
            var refresh = RefreshLoopAsync(services, stoppingToken);
            await SyncLoopAsync(services.Lister, endpoints.Lister, stoppingToken).ConfigureAwait(false);
            await refresh.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await ShutdownAsync().ConfigureAwait(false);
        }
    }

    private void Enqueue(KubernetesObject obj)
    {
        var key = ObjectKey.Of(obj);
        if (_pending.TryAdd(key, 0)) _queue.Writer.TryWrite(key);
    }

    private async Task SyncLoopAsync(ILister<Service> services, ILister<Endpoints> endpoints, CancellationToken stoppingToken)
    {
        await foreach (var key in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            _pending.TryRemove(key, out _);
            try
            {
                await SyncAsync(key, services.Get(key), endpoints.Get(key), stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                ServiceProxyLog.SyncFailed(_logger, e, key.ToString());
            }
        }
    }

    /// <summary>Re-reads the NodePort addresses periodically, re-syncs every Service and drops expired affinity pins.</summary>
    private async Task RefreshLoopAsync(IInformer<Service> services, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.AddressRefreshInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await RefreshNodePortAddressesAsync(stoppingToken).ConfigureAwait(false);
                foreach (var service in services.Lister.List()) Enqueue(service);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RefreshNodePortAddressesAsync(CancellationToken cancellationToken)
    {
        List<IPAddress> addresses = [];
        if (_options.NodePortAddresses is { } configured)
        {
            foreach (var text in configured)
            {
                if (IPAddress.TryParse(text, out var address)) addresses.Add(address);
            }
        }
        else
        {
            addresses.Add(IPAddress.Loopback);
            if (_host is not null)
            {
                try
                {
                    foreach (var address in await _host.GetPodFacingAddressesAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (!addresses.Contains(address)) addresses.Add(address);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    ServiceProxyLog.AddressesFailed(_logger, e);
                    return;
                }
            }
        }
        Volatile.Write(ref _nodePortAddresses, [.. addresses]);
    }

    private async Task SyncAsync(ObjectKey key, Service? service, Endpoints? endpoints, CancellationToken cancellationToken)
    {
        _services.TryGetValue(key, out var state);
        if (service is null || service.Spec.Type == ServiceType.ExternalName)
        {
            if (state is null) return;
            _services.Remove(key);
            foreach (var port in state.Ports.Values) ClosePort(port);
            state.Ports.Clear();
            Publish(key, state);
            await RemoveVirtualIpAsync(state).ConfigureAwait(false);
            return;
        }
        if (state is null) _services[key] = state = new ProxiedService();

        // The virtual IP first, so its listeners can bind.
        var virtualIp = _host is not null && !service.Spec.IsHeadless() && IPAddress.TryParse(service.Spec.ClusterIP, out var parsed) ? parsed : null;
        if (!Equals(state.VirtualIp, virtualIp)) await RemoveVirtualIpAsync(state, closeOnly: true).ConfigureAwait(false);
        var virtualIpReady = virtualIp is not null && (Equals(state.VirtualIp, virtualIp) || await TryAddVirtualIpAsync(key, virtualIp, cancellationToken).ConfigureAwait(false));
        var affinity = service.Spec.SessionAffinity == SessionAffinity.ClientIP
            ? TimeSpan.FromSeconds(service.Spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds ?? 10800)
            : (TimeSpan?)null;
        var nodePorts = service.Spec.Type is ServiceType.NodePort or ServiceType.LoadBalancer ? Volatile.Read(ref _nodePortAddresses) : [];

        HashSet<(string, int)> wanted = [];
        foreach (var servicePort in service.Spec.Ports)
        {
            var protocol = servicePort.Protocol;
            if (protocol != Protocol.Tcp && protocol != Protocol.Udp)
            {
                ServiceProxyLog.UnsupportedProtocol(_logger, key.ToString(), servicePort.Port, protocol);
                continue;
            }
            var portKey = (protocol, servicePort.Port);
            if (!wanted.Add(portKey)) continue;
            if (!state.Ports.TryGetValue(portKey, out var port))
            {
                port = new ProxiedPort(new PortBalancer($"{key}:{servicePort.Port}/{protocol}", _time), protocol == Protocol.Udp);
                state.Ports.Add(portKey, port);
            }
            port.Balancer.Sweep();
            var backends = BuildBackends(servicePort, endpoints, affinity);
            if (!backends.SameAs(port.Balancer.Current))
            {
                port.Balancer.Publish(backends);
                ServiceProxyLog.BackendsChanged(_logger, port.Balancer.Label, backends.Backends.Length);
            }

            HashSet<IPEndPoint> requested = [LoopbackRequest];
            if (virtualIpReady) requested.Add(new IPEndPoint(virtualIp!, servicePort.Port));
            if (servicePort.NodePort > 0)
            {
                foreach (var address in nodePorts) requested.Add(new IPEndPoint(address, servicePort.NodePort));
            }
            foreach (var (endPoint, frontend) in port.Frontends.ToArray())
            {
                if (requested.Contains(endPoint)) continue;
                port.Frontends.Remove(endPoint);
                frontend.Dispose();
                ServiceProxyLog.StoppedListening(_logger, port.Balancer.Label, frontend.LocalEndPoint);
            }
            port.Reported.IntersectWith(requested);
            foreach (var endPoint in requested)
            {
                if (!port.Frontends.ContainsKey(endPoint)) Bind(port, endPoint);
            }
        }
        foreach (var (portKey, port) in state.Ports.ToArray())
        {
            if (wanted.Contains(portKey)) continue;
            state.Ports.Remove(portKey);
            ClosePort(port);
        }
        Publish(key, state);
        if (virtualIpReady) state.VirtualIp = virtualIp;
    }

    private static BackendSet BuildBackends(ServicePort servicePort, Endpoints? endpoints, TimeSpan? affinity)
    {
        if (endpoints is null) return affinity is null ? BackendSet.Empty : new BackendSet([], affinity);
        var name = servicePort.Name ?? "";
        List<IPEndPoint> backends = [];
        foreach (var subset in endpoints.Subsets)
        {
            foreach (var port in subset.Ports)
            {
                if ((port.Name ?? "") != name || port.Port is < 1 or > 65535) continue;
                foreach (var address in subset.Addresses)
                {
                    if (!IPAddress.TryParse(address.Ip, out var ip)) continue;
                    var endPoint = new IPEndPoint(ip, port.Port);
                    if (!backends.Contains(endPoint)) backends.Add(endPoint);
                }
            }
        }
        return new BackendSet([.. backends], affinity);
    }

    private void Bind(ProxiedPort port, IPEndPoint endPoint)
    {
        try
        {
            IFrontend frontend = port.Udp
                ? UdpFrontend.Start(endPoint, port.Balancer, _context)
                : TcpFrontend.Start(endPoint, port.Balancer, _context);
            port.Frontends.Add(endPoint, frontend);
            port.Reported.Remove(endPoint);
            ServiceProxyLog.Listening(_logger, port.Balancer.Label, frontend.LocalEndPoint);
        }
        catch (SocketException e)
        {
            // Retried on every sync (at least every AddressRefreshInterval); reported once.
            if (port.Reported.Add(endPoint)) ServiceProxyLog.BindFailed(_logger, port.Balancer.Label, endPoint, e.Message);
        }
    }

    private void ClosePort(ProxiedPort port)
    {
        foreach (var frontend in port.Frontends.Values)
        {
            frontend.Dispose();
            ServiceProxyLog.StoppedListening(_logger, port.Balancer.Label, frontend.LocalEndPoint);
        }
        port.Frontends.Clear();
    }

    private async ValueTask<bool> TryAddVirtualIpAsync(ObjectKey key, IPAddress address, CancellationToken cancellationToken)
    {
        if (_time.GetTimestamp() < Volatile.Read(ref _virtualIpRetryAt)) return false;
        try
        {
            await _host!.AddVirtualAddressAsync(address, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _virtualIpRetryAt = _time.GetTimestamp() + (long)(VirtualIpRetryDelay.TotalSeconds * _time.TimestampFrequency);
            if (!_virtualIpWarned)
            {
                _virtualIpWarned = true;
                ServiceProxyLog.VirtualIpsUnavailable(_logger, e, e.Message);
            }
            else
            {
                ServiceProxyLog.VirtualIpFailedAgain(_logger, key.ToString(), address, e.Message);
            }
            return false;
        }
    }

    /// <summary>
    /// Closes the virtual-IP listeners of <paramref name="state"/> and removes its virtual IP. With
    /// <paramref name="closeOnly"/> the state keeps its ports (the ClusterIP changed).
    /// </summary>
    private async ValueTask RemoveVirtualIpAsync(ProxiedService state, bool closeOnly = false)
    {
        if (state.VirtualIp is not { } address) return;
        if (closeOnly)
        {
            foreach (var port in state.Ports.Values)
            {
                foreach (var (endPoint, frontend) in port.Frontends.ToArray())
                {
                    if (!endPoint.Address.Equals(address)) continue;
                    port.Frontends.Remove(endPoint);
                    frontend.Dispose();
                }
            }
        }
        state.VirtualIp = null;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), _time);
            await _host!.RemoveVirtualAddressAsync(address, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            ServiceProxyLog.VirtualIpRemoveFailed(_logger, e, address);
        }
    }

    private async Task ShutdownAsync()
    {
        foreach (var (key, state) in _services)
        {
            foreach (var port in state.Ports.Values) ClosePort(port);
            state.Ports.Clear();
            Publish(key, state);
        }
        _context.CloseAll();
        foreach (var state in _services.Values) await RemoveVirtualIpAsync(state).ConfigureAwait(false);
        _services.Clear();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
