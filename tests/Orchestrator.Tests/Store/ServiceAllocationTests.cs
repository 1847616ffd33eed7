using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Validation;
using Orchestrator.Controllers;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;

namespace Orchestrator.Tests.Store;

/// <summary>
/// Cluster IP and node port allocation by the store, as the Kubernetes API server's service registry does it: on
/// create, on update (kept, immutable, type changes) and on removal, without leaks on failed writes.
/// </summary>
[CancelAfter(30_000)]
public sealed class ServiceAllocationTests
{
    private const string Ns = "default";

    private static readonly IPNetwork DefaultRange = IPNetwork.Parse("10.96.0.0/12");

    private InMemoryObjectStore _store = null!;

    [SetUp]
    public void SetUp() => _store = StoreTestKit.NewStore();

    [TearDown]
    public void TearDown() => _store.Dispose();

    [Test]
    public async Task Create_ClusterIPService_AllocatesAnAddressOfTheRangeAndMirrorsIt(CancellationToken ct)
    {
        var created = await CreateAsync(_store, Service("web"), ct);

        var spec = created.Spec;
        Assert.Multiple(() =>
        {
            Assert.That(IPAddress.TryParse(spec.ClusterIP, out var ip) && DefaultRange.Contains(ip), Is.True, $"{spec.ClusterIP} is in 10.96.0.0/12");
            Assert.That(spec.ClusterIP, Is.Not.EqualTo("10.96.0.0").And.Not.EqualTo("10.111.255.255"));
            Assert.That(spec.ClusterIPs, Is.EqualTo(new[] { spec.ClusterIP }));
            Assert.That(spec.IpFamilies, Is.EqualTo(new[] { "IPv4" }));
            Assert.That(spec.IpFamilyPolicy, Is.EqualTo("SingleStack"));
            Assert.That(_store.ServiceAllocations.AllocatedIPs, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Create_ManyServices_PicksFromAboveTheStaticBandSoLowAddressesStayFreeForUsers(CancellationToken ct)
    {
        var ips = new List<string>();
        for (var i = 0; i < 50; i++) ips.Add((await CreateAsync(_store, Service($"svc-{i}"), ct)).Spec.ClusterIP!);

        // The /12 keeps its lowest 256 addresses (10.96.0.1 - 10.96.1.0) for addresses users choose, like 10.96.0.10 for DNS.
        Assert.That(ips.Where(ip => ip.StartsWith("10.96.0.", StringComparison.Ordinal) || ip == "10.96.1.0"), Is.Empty);
        Assert.That(ips.Distinct().Count(), Is.EqualTo(50));
    }

    [Test]
    public async Task Create_HeadlessAndExternalName_AllocateNothing(CancellationToken ct)
    {
        var headless = await CreateAsync(_store, Service("db") with { Spec = Service("db").Spec with { ClusterIP = "None" } }, ct);
        var external = await CreateAsync(_store, new Service
        {
            Metadata = new ObjectMeta { Name = "ext", Namespace = Ns },
            Spec = new ServiceSpec { Type = ServiceType.ExternalName, ExternalName = "db.example.com" },
        }, ct);

        Assert.Multiple(() =>
        {
            Assert.That(headless.Spec.ClusterIP, Is.EqualTo("None"));
            Assert.That(headless.Spec.ClusterIPs, Is.EqualTo(new[] { "None" }));
            Assert.That(external.Spec.ClusterIP, Is.Null);
            Assert.That(external.Spec.ClusterIPs, Is.Empty);
            Assert.That(_store.ServiceAllocations.AllocatedIPs, Is.Zero);
        });
    }

    [Test]
    public async Task Create_GivenFreeIP_KeepsIt(CancellationToken ct)
    {
        var created = await CreateAsync(_store, Service("dns", clusterIP: "10.96.0.10"), ct);

        Assert.That(created.Spec.ClusterIPs, Is.EqualTo(new[] { "10.96.0.10" }));
    }

    [Test]
    public async Task Create_GivenIPAlreadyAllocated_IsInvalidAndNotStored(CancellationToken ct)
    {
        await CreateAsync(_store, Service("a", clusterIP: "10.96.0.5"), ct);
        var version = _store.CurrentResourceVersion;

        var error = Assert.ThrowsAsync<ValidationException>(async () => await CreateAsync(_store, Service("b", clusterIP: "10.96.0.5"), ct));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Code, Is.EqualTo(422));
            Assert.That(error.Message, Is.EqualTo("Service \"b\" is invalid: spec.clusterIPs[0]: Invalid value: \"10.96.0.5\": provided IP is already allocated"));
            Assert.That(_store.CurrentResourceVersion, Is.EqualTo(version));
            Assert.That(_store.ServiceAllocations.AllocatedIPs, Is.EqualTo(1));
        });
    }

    [TestCase("10.95.255.255", TestName = "Create_GivenIPBelowRange_IsInvalid")]
    [TestCase("10.112.0.0", TestName = "Create_GivenIPAboveRange_IsInvalid")]
    [TestCase("10.96.0.0", TestName = "Create_GivenNetworkAddress_IsInvalid")]
    [TestCase("10.111.255.255", TestName = "Create_GivenBroadcastAddress_IsInvalid")]
    [TestCase("fd00::1", TestName = "Create_GivenIPv6AddressInIPv4Cluster_IsInvalid")]
    public void Create_GivenIPOutsideRange_IsInvalid(string ip)
    {
        var error = Assert.ThrowsAsync<ValidationException>(async () => await CreateAsync(_store, Service("web", clusterIP: ip)));

        Assert.That(error!.Message, Does.EndWith(
            $"spec.clusterIPs[0]: Invalid value: \"{ip}\": provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/12"));
        Assert.That(_store.ServiceAllocations.AllocatedIPs, Is.Zero);
    }

    [Test]
    public async Task Create_TinyRangeExhausted_FailsClearlyAndLeavesTheStoreUnchanged(CancellationToken ct)
    {
        using var store = StoreTestKit.NewStore(options: new InMemoryObjectStoreOptions { ServiceClusterIPRange = "192.168.7.0/30" });
        var first = await CreateAsync(store, Service("a"), ct);
        var second = await CreateAsync(store, Service("b"), ct);
        var version = store.CurrentResourceVersion;

        var error = Assert.ThrowsAsync<InternalErrorException>(async () => await CreateAsync(store, Service("c"), ct));

        Assert.Multiple(async () =>
        {
            Assert.That(new[] { first.Spec.ClusterIP, second.Spec.ClusterIP }, Is.EquivalentTo(new[] { "192.168.7.1", "192.168.7.2" }));
            Assert.That(error!.Code, Is.EqualTo(500));
            Assert.That(error.Message, Does.StartWith("Internal error occurred: failed to allocate a serviceIP: range is full"));
            Assert.That(error.Message, Does.Contain("192.168.7.0/30"));
            Assert.That(store.CurrentResourceVersion, Is.EqualTo(version));
            Assert.That(await store.GetAsync<Service>(Ns, "c", ct), Is.Null);
        });
    }

    [Test]
    public async Task Delete_Service_ReleasesItsIPForReuse(CancellationToken ct)
    {
        using var store = StoreTestKit.NewStore(options: new InMemoryObjectStoreOptions { ServiceClusterIPRange = "192.168.7.0/30" });
        var first = await CreateAsync(store, Service("a"), ct);
        await CreateAsync(store, Service("b"), ct);

        await store.DeleteAsync<Service>(Ns, "a", cancellationToken: ct);
        var third = await CreateAsync(store, Service("c"), ct);

        Assert.That(third.Spec.ClusterIP, Is.EqualTo(first.Spec.ClusterIP));
    }

    [Test]
    public async Task Delete_ServiceWithFinalizer_KeepsItsIPUntilRemoved(CancellationToken ct)
    {
        await CreateAsync(_store, Service("web", clusterIP: "10.96.0.20").WithFinalizers("example.com/hold"), ct);

        await _store.DeleteAsync<Service>(Ns, "web", cancellationToken: ct);
        var whileTerminating = Assert.ThrowsAsync<ValidationException>(async () => await CreateAsync(_store, Service("other", clusterIP: "10.96.0.20"), ct));
        await _store.UpdateWithRetryAsync<Service>(Ns, "web", s => s.WithFinalizers(), ct);
        var reused = await CreateAsync(_store, Service("other", clusterIP: "10.96.0.20"), ct);

        Assert.Multiple(() =>
        {
            Assert.That(whileTerminating!.Message, Does.Contain("provided IP is already allocated"));
            Assert.That(reused.Spec.ClusterIP, Is.EqualTo("10.96.0.20"));
        });
    }

    [Test]
    public async Task DeleteNamespace_ServicesInIt_ReleaseTheirAddressesAndPorts(CancellationToken ct)
    {
        await using var cluster = await TestCluster.StartAsync(s => s.AddNamespaceController(), nodes: 1, ct: ct);
        await cluster.Store.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = "team" } }, ct);
        var service = NodePortService("web", new ServicePort { Port = 80, NodePort = 30080 });
        await cluster.Store.CreateAsync(service with
        {
            Metadata = service.Metadata with { Namespace = "team" },
            Spec = service.Spec with { ClusterIP = "10.96.0.50" },
        }, ct);

        await cluster.Store.DeleteAsync<Namespace>(null, "team", cancellationToken: ct);
        await cluster.UntilAsync(() => cluster.Get<Namespace>(null, "team") is null, "the namespace and its content are gone", ct);
        var reused = await CreateAsync(cluster.Store, NodePortService("web", new ServicePort { Port = 80, NodePort = 30080 }) with
        {
            Spec = NodePortService("web").Spec with { ClusterIP = "10.96.0.50", Ports = [new ServicePort { Port = 80, NodePort = 30080 }] },
        }, ct);

        Assert.Multiple(() =>
        {
            Assert.That(reused.Spec.ClusterIP, Is.EqualTo("10.96.0.50"));
            Assert.That(reused.Spec.Ports[0].NodePort, Is.EqualTo(30080));
        });
    }

    [Test]
    public async Task Update_ClusterIPChanged_IsRejectedAsImmutable(CancellationToken ct)
    {
        var created = await CreateAsync(_store, Service("web", clusterIP: "10.96.0.30"), ct);

        var error = Assert.ThrowsAsync<ValidationException>(async () =>
            await UpdateAsync(_store, created with { Spec = created.Spec with { ClusterIP = "10.96.0.31", ClusterIPs = ["10.96.0.31"] } }, ct));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("spec.clusterIP: Invalid value: \"10.96.0.31\": field is immutable"));
            Assert.That(_store.ServiceAllocations.AllocatedIPs, Is.EqualTo(1), "the new address was not reserved");
        });
    }

    [Test]
    public async Task Update_ManifestWithoutClusterIPOrNodePorts_KeepsTheAllocatedOnesWithoutAChange(CancellationToken ct)
    {
        var manifest = NodePortService("web");
        var created = await CreateAsync(_store, manifest, ct);

        var reapplied = await UpdateAsync(_store, manifest with { Metadata = created.Metadata }, ct);

        Assert.Multiple(() =>
        {
            Assert.That(reapplied.Spec.ClusterIP, Is.EqualTo(created.Spec.ClusterIP));
            Assert.That(reapplied.Spec.Ports.Select(p => p.NodePort), Is.EqualTo(created.Spec.Ports.Select(p => p.NodePort)));
            Assert.That(reapplied.Metadata.ResourceVersion, Is.EqualTo(created.Metadata.ResourceVersion), "re-applying is not a change");
        });
    }

    [Test]
    public async Task Update_ToExternalNameAndBack_ReleasesThenAllocatesAnIP(CancellationToken ct)
    {
        var created = await CreateAsync(_store, NodePortService("web"), ct);

        var external = await UpdateAsync(_store, created with
        {
            Spec = created.Spec with { Type = ServiceType.ExternalName, ExternalName = "web.example.com", ExternalTrafficPolicy = null },
        }, ct);
        var releasedIPs = _store.ServiceAllocations.AllocatedIPs;
        var releasedPorts = _store.ServiceAllocations.AllocatedNodePorts;
        var back = await UpdateAsync(_store, external with { Spec = external.Spec with { Type = ServiceType.ClusterIP, ExternalName = null } }, ct);

        Assert.Multiple(() =>
        {
            Assert.That(external.Spec.ClusterIP, Is.Null);
            Assert.That(external.Spec.ClusterIPs, Is.Empty);
            Assert.That(external.Spec.Ports.All(p => p.NodePort == 0), Is.True, "node ports are dropped with the type");
            Assert.That(releasedIPs, Is.Zero);
            Assert.That(releasedPorts, Is.Zero);
            Assert.That(back.Spec.ClusterIP, Is.Not.Null.And.Not.EqualTo("None"));
            Assert.That(back.Spec.ClusterIPs, Is.EqualTo(new[] { back.Spec.ClusterIP }));
            Assert.That(_store.ServiceAllocations.AllocatedIPs, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Create_NodePortService_AllocatesFreePortsOfTheRange(CancellationToken ct)
    {
        var created = await CreateAsync(_store, NodePortService("web"), ct);

        var nodePorts = created.Spec.Ports.Select(p => p.NodePort).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(nodePorts, Has.All.InRange(30000, 32767));
            Assert.That(nodePorts.Distinct().Count(), Is.EqualTo(2));
            Assert.That(_store.ServiceAllocations.AllocatedNodePorts, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Create_TcpAndUdpOnOnePort_ShareOneNodePort(CancellationToken ct)
    {
        var service = NodePortService("dns", new ServicePort { Name = "dns", Port = 53, Protocol = "UDP" },
            new ServicePort { Name = "dns-tcp", Port = 53, Protocol = "TCP", NodePort = 30053 });

        var created = await CreateAsync(_store, service, ct);

        Assert.That(created.Spec.Ports.Select(p => p.NodePort), Is.EqualTo(new[] { 30053, 30053 }));
    }

    [Test]
    public async Task Create_GivenNodePortTaken_IsInvalidAndReservesNothing(CancellationToken ct)
    {
        await CreateAsync(_store, NodePortService("a", new ServicePort { Port = 80, NodePort = 30080 }), ct);

        var error = Assert.ThrowsAsync<ValidationException>(async () =>
            await CreateAsync(_store, NodePortService("b", new ServicePort { Port = 80, NodePort = 30080 }) with
            {
                Spec = NodePortService("b").Spec with { ClusterIP = "10.96.0.40", Ports = [new ServicePort { Port = 80, NodePort = 30080 }] },
            }, ct));
        var sameIP = await CreateAsync(_store, Service("c", clusterIP: "10.96.0.40"), ct);

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Is.EqualTo("Service \"b\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"));
            Assert.That(sameIP.Spec.ClusterIP, Is.EqualTo("10.96.0.40"), "the IP of the failed create was given back");
            Assert.That(_store.ServiceAllocations.AllocatedNodePorts, Is.EqualTo(1));
        });
    }

    [Test]
    public void Create_GivenNodePortOutsideRange_IsInvalid()
    {
        var error = Assert.ThrowsAsync<ValidationException>(async () =>
            await CreateAsync(_store, NodePortService("web", new ServicePort { Port = 80, NodePort = 8080 })));

        Assert.That(error!.Message, Does.EndWith(
            "spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767"));
        Assert.That(_store.ServiceAllocations.AllocatedIPs, Is.Zero, "the cluster IP was given back");
    }

    [Test]
    public async Task Create_ConfiguredNodePortRange_IsUsedForAllocationAndChecks(CancellationToken ct)
    {
        using var store = StoreTestKit.NewStore(options: new InMemoryObjectStoreOptions { ServiceNodePortRange = "40000-40001" });

        var a = await CreateAsync(store, NodePortService("a", new ServicePort { Port = 80 }), ct);
        var b = await CreateAsync(store, NodePortService("b", new ServicePort { Port = 80, NodePort = 40000 + 40001 - a.Spec.Ports[0].NodePort }), ct);
        var full = Assert.ThrowsAsync<InternalErrorException>(async () => await CreateAsync(store, NodePortService("c", new ServicePort { Port = 80 }), ct));

        Assert.Multiple(() =>
        {
            Assert.That(a.Spec.Ports[0].NodePort, Is.InRange(40000, 40001));
            Assert.That(b.Spec.Ports[0].NodePort, Is.Not.EqualTo(a.Spec.Ports[0].NodePort));
            Assert.That(full!.Message, Does.Contain("failed to allocate a nodePort: range is full"));
            Assert.That(store.ServiceAllocations.AllocatedIPs, Is.EqualTo(2), "the failed create gave its IP back");
        });
    }

    [Test]
    public async Task Update_AddAndRemovePorts_AllocatesNewNodePortsAndReleasesOldOnes(CancellationToken ct)
    {
        var created = await CreateAsync(_store, NodePortService("web", new ServicePort { Name = "http", Port = 80, NodePort = 30080 },
            new ServicePort { Name = "metrics", Port = 9090, NodePort = 30090 }), ct);

        var updated = await UpdateAsync(_store, created with
        {
            Spec = created.Spec with { Ports = [new ServicePort { Name = "http", Port = 80 }, new ServicePort { Name = "admin", Port = 8081 }] },
        }, ct);
        var reuse = await CreateAsync(_store, NodePortService("other", new ServicePort { Port = 80, NodePort = 30090 }), ct);

        Assert.Multiple(() =>
        {
            Assert.That(updated.Spec.Ports[0].NodePort, Is.EqualTo(30080), "kept by port name");
            Assert.That(updated.Spec.Ports[1].NodePort, Is.InRange(30000, 32767).And.Not.EqualTo(30080).And.Not.EqualTo(30090));
            Assert.That(reuse.Spec.Ports[0].NodePort, Is.EqualTo(30090), "the dropped port was released");
            Assert.That(_store.ServiceAllocations.AllocatedNodePorts, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task Update_NodePortToClusterIP_ReleasesTheNodePorts(CancellationToken ct)
    {
        var created = await CreateAsync(_store, NodePortService("web", new ServicePort { Port = 80, NodePort = 30080 }), ct);

        var updated = await UpdateAsync(_store, created with { Spec = created.Spec with { Type = ServiceType.ClusterIP, ExternalTrafficPolicy = null } }, ct);

        Assert.Multiple(() =>
        {
            Assert.That(updated.Spec.Ports[0].NodePort, Is.Zero);
            Assert.That(updated.Spec.ClusterIP, Is.EqualTo(created.Spec.ClusterIP));
            Assert.That(_store.ServiceAllocations.AllocatedNodePorts, Is.Zero);
        });
    }

    [Test]
    public async Task Update_StaleResourceVersion_ConflictsAndReservesNothing(CancellationToken ct)
    {
        var created = await CreateAsync(_store, NodePortService("web", new ServicePort { Name = "http", Port = 80 }), ct);
        await _store.UpdateWithRetryAsync<Service>(Ns, "web", s => s.WithLabel("touched", "yes"), ct);

        Assert.ThrowsAsync<ConflictException>(async () => await UpdateAsync(_store, created with
        {
            Spec = created.Spec with { Ports = [.. created.Spec.Ports, new ServicePort { Name = "extra", Port = 81, NodePort = 30081 }] },
        }, ct));

        Assert.That(_store.ServiceAllocations.AllocatedNodePorts, Is.EqualTo(1));
    }

    [Test]
    public async Task Update_InvalidChange_ReservesNothing(CancellationToken ct)
    {
        var created = await CreateAsync(_store, NodePortService("web", new ServicePort { Name = "http", Port = 80 }), ct);

        Assert.ThrowsAsync<ValidationException>(async () => await UpdateAsync(_store, created with
        {
            Spec = created.Spec with { Ports = [.. created.Spec.Ports, new ServicePort { Name = "extra", Port = 81, NodePort = 30081, Protocol = "ICMP" }] },
        }, ct));

        Assert.That(_store.ServiceAllocations.AllocatedNodePorts, Is.EqualTo(1));
    }

    [Test]
    public async Task Create_Concurrently_NeverHandsOutOneAddressTwice(CancellationToken ct)
    {
        using var store = StoreTestKit.NewStore(options: new InMemoryObjectStoreOptions { ServiceClusterIPRange = "10.0.0.0/24", ServiceNodePortRange = "30000-30299" });
        var ips = new ConcurrentBag<string>();
        var ports = new ConcurrentBag<int>();
        var full = 0;

        await Parallel.ForAsync(0, 300, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
        {
            try
            {
                var created = await CreateAsync(store, NodePortService($"svc-{i}", new ServicePort { Port = 80 }), token);
                ips.Add(created.Spec.ClusterIP!);
                ports.Add(created.Spec.Ports[0].NodePort);
            }
            catch (InternalErrorException)
            {
                Interlocked.Increment(ref full);
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(ips, Has.Count.EqualTo(254), "a /24 has 254 usable addresses");
            Assert.That(ips.Distinct().Count(), Is.EqualTo(254));
            Assert.That(ports.Distinct().Count(), Is.EqualTo(254));
            Assert.That(full, Is.EqualTo(46));
            Assert.That(store.ServiceAllocations.AllocatedIPs, Is.EqualTo(254));
            Assert.That(store.ServiceAllocations.AllocatedNodePorts, Is.EqualTo(254));
        });
    }

    [TestCase("10.96.0.0", TestName = "Constructor_RangeWithoutPrefix_Throws")]
    [TestCase("10.0.0.0/8", TestName = "Constructor_RangeLargerThanSlash12_Throws")]
    [TestCase("10.0.0.0/31", TestName = "Constructor_RangeWithoutUsableAddresses_Throws")]
    public void Constructor_InvalidClusterIPRange_Throws(string range)
    {
        var error = Assert.Throws<ArgumentException>(() => new InMemoryObjectStore(new FakeTimeProvider(), new InMemoryObjectStoreOptions { ServiceClusterIPRange = range }));

        Assert.That(error!.Message, Does.Contain(range));
    }

    [TestCase("32767-30000")]
    [TestCase("0-100")]
    [TestCase("ports")]
    public void Constructor_InvalidNodePortRange_Throws(string range)
    {
        Assert.Throws<ArgumentException>(() => new InMemoryObjectStore(new FakeTimeProvider(), new InMemoryObjectStoreOptions { ServiceNodePortRange = range }));
    }

    private static async Task<Service> CreateAsync(InMemoryObjectStore store, Service service, CancellationToken ct = default) =>
        (Service)await store.CreateAsync(service, ct);

    private static async Task<Service> UpdateAsync(InMemoryObjectStore store, Service service, CancellationToken ct = default) =>
        (Service)await store.UpdateAsync(service, ct);

    private static Service Service(string name, string? clusterIP = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = Ns },
        Spec = new ServiceSpec
        {
            ClusterIP = clusterIP,
            Selector = ImmutableDictionary<string, string>.Empty.Add("app", name),
            Ports = [new ServicePort { Port = 80 }],
        },
    };

    private static Service NodePortService(string name, params ServicePort[] ports) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = Ns },
        Spec = new ServiceSpec
        {
            Type = ServiceType.NodePort,
            Selector = ImmutableDictionary<string, string>.Empty.Add("app", name),
            Ports = ports.Length > 0 ? ports : [new ServicePort { Name = "http", Port = 80 }, new ServicePort { Name = "metrics", Port = 9090 }],
        },
    };
}
