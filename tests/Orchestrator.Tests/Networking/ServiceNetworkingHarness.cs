using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Networking;
using Orchestrator.Networking.Dns;
using Orchestrator.Networking.Services;
using Orchestrator.Store;

namespace Orchestrator.Tests.Networking;

/// <summary>
/// A host with the in-memory store, the shared informers and <c>AddServiceNetworking</c> (proxy and DNS), on the system
/// clock unless a fake one is given. Services and Endpoints are written by the test.
/// </summary>
internal sealed class ServiceNetworkingHarness : IAsyncDisposable
{
    private ServiceNetworkingHarness(IHost host, IObjectStore store)
    {
        Host = host;
        Store = store;
    }

    public IHost Host { get; }

    public IObjectStore Store { get; }

    public IServiceAddresses Addresses => Host.Services.GetRequiredService<IServiceAddresses>();

    public ServiceProxy Proxy => Host.Services.GetRequiredService<ServiceProxy>();

    public ClusterDnsServer Dns => Host.Services.GetRequiredService<ClusterDnsServer>();

    public static async Task<ServiceNetworkingHarness> StartAsync(
        ServiceNetworkingOptions? options = null, IServiceHostNetwork? hostNetwork = null, TimeProvider? time = null,
        string clusterIpRange = "127.96.0.0/16", int podFacingDnsPort = 0, CancellationToken ct = default)
    {
        time ??= TimeProvider.System;
        // Service IPs inside 127/8 are local addresses already, so the virtual-IP path runs without `ip addr`.
        var store = new InMemoryObjectStore(time, new InMemoryObjectStoreOptions { ServiceClusterIPRange = clusterIpRange, ServiceNodePortRange = "1024-65535" });
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IObjectStore>(store);
        builder.Services.AddSingleton(time);
        builder.Services.AddLogging();
        builder.Services.AddSingleton(options ?? new ServiceNetworkingOptions());
        if (hostNetwork is not null) builder.Services.AddSingleton(hostNetwork);
        builder.Services.AddServiceNetworking();
        if (podFacingDnsPort != 0)
        {
            // Port 53 may be taken or need root: serve the pod-facing addresses on a test port instead.
            builder.Services.AddSingleton(sp => new ClusterDnsServer(
                sp.GetRequiredService<Orchestrator.Controllers.SharedInformerFactory>(), sp.GetRequiredService<ServiceNetworkingOptions>(),
                sp.GetRequiredService<TimeProvider>(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
                sp.GetRequiredService<ServiceProxyMetrics>(), sp.GetService<IServiceHostNetwork>(), podFacingDnsPort));
        }
        var host = builder.Build();
        await host.StartAsync(ct);
        return new ServiceNetworkingHarness(host, store);
    }

    public static Service Service(string name, params ServicePort[] ports) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new ServiceSpec { Ports = ports },
    };

    public static ServicePort Port(int port, string? name = null, string protocol = Protocol.Tcp, int nodePort = 0) =>
        new() { Port = port, Name = name, Protocol = protocol, NodePort = nodePort, TargetPort = IntOrString.FromInt(port) };

    public static Endpoints Endpoints(string name, params EndpointSubset[] subsets) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Subsets = subsets,
    };

    public static EndpointSubset Subset(int port, string? portName, params IPAddress[] ready) => new()
    {
        Addresses = [.. ready.Select(a => new EndpointAddress { Ip = a.ToString() })],
        Ports = [new EndpointPort { Name = portName, Port = port }],
    };

    public async Task<T> CreateAsync<T>(T obj, CancellationToken ct) where T : KubernetesObject => await ObjectStoreExtensions.CreateAsync(Store, obj, ct);

    public async Task SetEndpointsAsync(Endpoints endpoints, CancellationToken ct)
    {
        var existing = await Store.GetAsync<Endpoints>(endpoints.Metadata.Namespace, endpoints.Metadata.Name!, ct);
        if (existing is null) await ObjectStoreExtensions.CreateAsync(Store, endpoints, ct);
        else await ObjectStoreExtensions.UpdateAsync(Store, endpoints with { Metadata = existing.Metadata }, ct);
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails the test after 10 s.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string because, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            if (limit.IsCancellationRequested) Assert.Fail($"Timed out waiting until {because}.");
            await Task.Delay(10, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Host.StopAsync(stop.Token);
        Host.Dispose();
    }
}
