using System.Net;
using Orchestrator.Api;

namespace Orchestrator.Networking.Services;

/// <summary>The <see cref="IServiceAddresses"/> side of the proxy: the published loopback endpoints and their waiters.</summary>
internal sealed partial class ServiceProxy
{
    /// <inheritdoc/>
    public async ValueTask<IPEndPoint> GetServiceAddressAsync(string @namespace, string name, int port, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_options.Enabled)
        {
            throw new InvalidOperationException("Service networking is disabled (Orchestrator:Services:Enabled is false), so Services have no addresses.");
        }
        var key = (@namespace, name, port);
        if (_addresses.TryGetValue(key, out var found)) return found;
        using var bound = cancellationToken.CanBeCanceled ? null : new CancellationTokenSource(DefaultAddressWait, _time);
        var token = bound?.Token ?? cancellationToken;
        try
        {
            while (true)
            {
                var changed = Volatile.Read(ref _changed);
                if (_addresses.TryGetValue(key, out found)) return found;
                await changed.Task.WaitAsync(token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (token.IsCancellationRequested)
        {
            throw new ServiceNotFoundException(DescribeMissing(@namespace, name, port), e);
        }
    }

    private string DescribeMissing(string @namespace, string name, int port)
    {
        var service = _serviceInformer?.Lister.Get(@namespace, name);
        if (_serviceInformer is null) return $"Service {@namespace}/{name} port {port} has no address: the Service proxy has not started (is the host started?).";
        if (service is null) return $"Service {@namespace}/{name} not found (waited for it to have an address for port {port}).";
        if (service.Spec.Type == ServiceType.ExternalName) return $"Service {@namespace}/{name} is of type ExternalName and has no proxied ports.";
        var ports = string.Join(", ", service.Spec.Ports.Select(p => $"{p.Port}/{p.Protocol}"));
        return service.Spec.Ports.Any(p => p.Port == port)
            ? $"Service {@namespace}/{name} port {port} has no listener yet (see the proxy's log for bind errors)."
            : $"Service {@namespace}/{name} has no port {port} (ports: {(ports.Length == 0 ? "none" : ports)}).";
    }

    /// <summary>Publishes the loopback endpoints of <paramref name="state"/> to waiters of <see cref="GetServiceAddressAsync"/>.</summary>
    private void Publish(ObjectKey key, ProxiedService state)
    {
        foreach (var published in state.Published) _addresses.TryRemove(published, out _);
        state.Published.Clear();
        // TCP wins when a port number has both protocols.
        foreach (var ((_, number), port) in state.Ports.OrderBy(p => p.Key.Protocol == Protocol.Tcp ? 1 : 0))
        {
            if (!port.Frontends.TryGetValue(LoopbackRequest, out var loopback)) continue;
            var address = (key.Namespace, key.Name, number);
            _addresses[address] = loopback.LocalEndPoint;
            if (!state.Published.Contains(address)) state.Published.Add(address);
        }
        Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
    }
}
