using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Runtime.Simulated;
using Orchestrator.Store;
using Orchestrator.Tests.Controllers.Jobs;
using Orchestrator.Tests.Store;
using Orchestrator.Tests.Testing;

namespace Orchestrator.Tests.Controllers.Endpoints;

/// <summary>
/// The endpoints controller on a mini-cluster with simulated nodes and a fake clock. Pods without a readiness probe are
/// ready as soon as they run; readiness flips are driven through the simulated runtime's readiness behaviour and probe
/// periods on the fake clock.
/// </summary>
[CancelAfter(60_000)]
public sealed class EndpointsControllerTests
{
    private const string Ns = "default";

    private FakeTimeProvider _time = null!;
    private TestCluster _cluster = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider();
        _cluster = await TestCluster.StartAsync(s => s.AddStatefulSetController(), nodes: 2, time: _time);
    }

    [TearDown]
    public async Task TearDown() => await _cluster.DisposeAsync();

    [Test]
    public async Task Reconcile_ServiceWithReadyPods_ListsEachPodWithTheTargetPort(CancellationToken ct)
    {
        var service = Service("web", new ServicePort { Name = "http", Port = 80, TargetPort = 8080 }) with
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = Ns, Labels = Labels("tier", "front") },
        };
        await _cluster.Store.CreateAsync(service, ct);
        await _cluster.Store.CreateAsync(Pod("web-a", "web"), ct);
        await _cluster.Store.CreateAsync(Pod("web-b", "web"), ct);
        await _cluster.Store.CreateAsync(Pod("other", "other"), ct);

        var endpoints = await UntilEndpointsAsync("web", e => ReadyNames(e).Count == 2, "lists two ready pods", ct);

        var a = await RunningPodAsync("web-a", ct);
        var subset = endpoints.Subsets.Single();
        var address = subset.Addresses.Single(x => x.TargetRef?.Name == "web-a");
        Assert.Multiple(() =>
        {
            Assert.That(ReadyNames(endpoints), Is.EquivalentTo(new[] { "web-a", "web-b" }));
            Assert.That(subset.NotReadyAddresses, Is.Empty);
            Assert.That(address.Ip, Is.EqualTo(a.Status!.PodIP));
            Assert.That(address.NodeName, Is.EqualTo(a.Spec.NodeName));
            Assert.That(address.TargetRef, Is.EqualTo(new ObjectReference { Kind = "Pod", Namespace = Ns, Name = "web-a", Uid = a.Metadata.Uid }));
            Assert.That(address.Hostname, Is.Null);
            Assert.That(subset.Ports, Is.EqualTo(new[] { new EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" } }));
            Assert.That(endpoints.Metadata.Labels, Is.EqualTo(Labels("tier", "front")));
        });
    }

    [Test]
    public async Task Reconcile_ReadinessFlips_MovesTheAddressBetweenReadyAndNotReady(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(Service("web", new ServicePort { Port = 80 }), ct);
        await _cluster.Store.CreateAsync(Pod("web-a", "web", readinessProbe: true, failReadiness: true), ct);
        var pod = await RunningPodAsync("web-a", ct);
        await UntilEndpointsAsync("web", e => NotReadyNames(e).SequenceEqual(["web-a"]), "lists web-a as not ready", ct);

        SetReadiness(pod, ready: true);
        await _cluster.UntilTickingAsync(() => ReadyNames(Endpoints("web")).SequenceEqual(["web-a"]), "web-a becomes a ready address", TimeSpan.FromSeconds(1), ct);
        Assert.That(NotReadyNames(Endpoints("web")), Is.Empty);

        SetReadiness(pod, ready: false);
        await _cluster.UntilTickingAsync(() => NotReadyNames(Endpoints("web")).SequenceEqual(["web-a"]), "web-a is not ready again", TimeSpan.FromSeconds(1), ct);
        Assert.That(ReadyNames(Endpoints("web")), Is.Empty);
    }

    [Test]
    public async Task Reconcile_PodDeleted_RemovesItsAddressOnceItTerminates(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(Service("web", new ServicePort { Port = 80 }), ct);
        await _cluster.Store.CreateAsync(Pod("web-a", "web"), ct);
        await _cluster.Store.CreateAsync(Pod("web-b", "web"), ct);
        await UntilEndpointsAsync("web", e => ReadyNames(e).Count == 2, "lists two pods", ct);

        await _cluster.Store.DeleteAsync<Pod>(Ns, "web-a", cancellationToken: ct);

        var endpoints = await UntilEndpointsAsync("web", e => ReadyNames(e).SequenceEqual(["web-b"]), "drops the deleted pod", ct);
        Assert.That(NotReadyNames(endpoints), Is.Empty, "a terminating pod is not listed at all");
    }

    [Test]
    public async Task Reconcile_PodLabelChanged_DropsThePodThatNoLongerMatches(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(Service("web", new ServicePort { Port = 80 }), ct);
        await _cluster.Store.CreateAsync(Pod("web-a", "web"), ct);
        await _cluster.Store.CreateAsync(Pod("web-b", "web"), ct);
        await UntilEndpointsAsync("web", e => ReadyNames(e).Count == 2, "lists two pods", ct);

        await _cluster.Store.UpdateWithRetryAsync<Pod>(Ns, "web-a", p => p.WithLabel("app", "debug"), ct);

        await UntilEndpointsAsync("web", e => ReadyNames(e).SequenceEqual(["web-b"]), "drops the relabelled pod", ct);
    }

    [Test]
    public async Task Reconcile_NamedTargetPort_IsResolvedPerPodAndPodsWithoutItAreLeftOutOfThatPort(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(Service("web",
            new ServicePort { Name = "http", Port = 80, TargetPort = "web" },
            new ServicePort { Name = "metrics", Port = 9100, TargetPort = 9100 }), ct);
        await _cluster.Store.CreateAsync(Pod("web-8080", "web", new ContainerPort { Name = "web", Port = 8080 }), ct);
        await _cluster.Store.CreateAsync(Pod("web-9090", "web", new ContainerPort { Name = "web", Port = 9090 }), ct);
        await _cluster.Store.CreateAsync(Pod("web-none", "web", new ContainerPort { Name = "admin", Port = 7070 }), ct);
        await _cluster.Store.CreateAsync(Pod("web-udp", "web", new ContainerPort { Name = "web", Port = 6060, Protocol = "UDP" }), ct);

        var endpoints = await UntilEndpointsAsync("web", e => e.Subsets.Sum(s => s.Addresses.Count) == 4, "lists all four pods", ct);

        var byPod = endpoints.Subsets.SelectMany(s => s.Addresses.Select(a => (a.TargetRef!.Name, Ports: string.Join(",", s.Ports.Select(p => $"{p.Name}:{p.Port}")))))
            .ToDictionary(x => x.Name!, x => x.Ports);
        Assert.Multiple(() =>
        {
            Assert.That(byPod["web-8080"], Is.EqualTo("http:8080,metrics:9100"));
            Assert.That(byPod["web-9090"], Is.EqualTo("http:9090,metrics:9100"));
            Assert.That(byPod["web-none"], Is.EqualTo("metrics:9100"), "no port named web");
            Assert.That(byPod["web-udp"], Is.EqualTo("metrics:9100"), "its port named web is UDP, the service port TCP");
            Assert.That(endpoints.Subsets, Has.Count.EqualTo(3), "pods with the same ports share a subset");
        });
    }

    [Test]
    public async Task Reconcile_PublishNotReadyAddresses_ListsUnreadyPodsAsAddresses(CancellationToken ct)
    {
        var service = Service("peers", new ServicePort { Port = 7000 });
        await _cluster.Store.CreateAsync(service with { Spec = service.Spec with { PublishNotReadyAddresses = true } }, ct);
        await _cluster.Store.CreateAsync(Pod("peer-a", "peers", readinessProbe: true, failReadiness: true), ct);
        await RunningPodAsync("peer-a", ct);

        var endpoints = await UntilEndpointsAsync("peers", e => ReadyNames(e).SequenceEqual(["peer-a"]), "lists the unready pod as an address", ct);

        Assert.Multiple(() =>
        {
            Assert.That(_cluster.Get<Pod>(Ns, "peer-a")!.IsReady(), Is.False);
            Assert.That(NotReadyNames(endpoints), Is.Empty);
        });
    }

    [Test]
    public async Task Reconcile_HeadlessServiceOfStatefulSet_AddressesCarryThePodHostnames(CancellationToken ct)
    {
        var service = Service("db-svc", new ServicePort { Name = "sql", Port = 5432 });
        service = service with { Spec = service.Spec with { ClusterIP = "None", Selector = Labels("app", "db") } };
        await _cluster.Store.CreateAsync(service, ct);
        await _cluster.Store.CreateAsync(new StatefulSet
        {
            Metadata = new ObjectMeta { Name = "db", Namespace = Ns },
            Spec = new StatefulSetSpec
            {
                Replicas = 2,
                ServiceName = "db-svc",
                Selector = new LabelSelector { MatchLabels = Labels("app", "db") },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = Labels("app", "db") },
                    Spec = new PodSpec { Containers = [new Container { Name = "app", Image = TestCluster.Image }] },
                },
            },
        }, ct);

        var endpoints = await UntilEndpointsAsync("db-svc", e => ReadyNames(e).Count == 2, "lists both StatefulSet pods", ct);

        Assert.Multiple(() =>
        {
            Assert.That(endpoints.Subsets.SelectMany(s => s.Addresses).Select(a => (a.TargetRef!.Name, a.Hostname)),
                Is.EquivalentTo(new[] { ("db-0", "db-0"), ("db-1", "db-1") }));
            Assert.That(endpoints.Metadata.Labels, Does.ContainKey(EndpointsReconciler.HeadlessLabel));
        });
    }

    [Test]
    public async Task Reconcile_HostnameWithOtherSubdomain_IsNotPublished(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(Service("web", new ServicePort { Port = 80 }), ct);
        var pod = Pod("web-a", "web");
        await _cluster.Store.CreateAsync(pod with { Spec = pod.Spec with { Hostname = "alpha", Subdomain = "elsewhere" } }, ct);

        var endpoints = await UntilEndpointsAsync("web", e => ReadyNames(e).Count == 1, "lists the pod", ct);

        Assert.That(endpoints.Subsets[0].Addresses[0].Hostname, Is.Null);
    }

    [Test]
    public async Task Reconcile_ServiceWithoutSelector_LeavesHandWrittenEndpointsAlone(CancellationToken ct)
    {
        // The Endpoints comes first, as it may in a manifest: it must not be taken for a leftover.
        var handWritten = await _cluster.Store.CreateAsync(new Orchestrator.Api.Endpoints
        {
            Metadata = new ObjectMeta { Name = "external-db", Namespace = Ns },
            Subsets = [new EndpointSubset { Addresses = [new EndpointAddress { Ip = "192.0.2.10" }], Ports = [new EndpointPort { Port = 5432 }] }],
        }, ct);
        var service = Service("external-db", new ServicePort { Port = 5432 });
        await _cluster.Store.CreateAsync(service with { Spec = service.Spec with { Selector = ImmutableDictionary<string, string>.Empty } }, ct);
        await _cluster.Store.CreateAsync(Pod("db-a", "external-db"), ct);
        await RunningPodAsync("db-a", ct);

        // A managed service created afterwards is reconciled after the ones before it: a point where the controller has looked.
        await _cluster.Store.CreateAsync(Service("marker", new ServicePort { Port = 80 }), ct);
        await _cluster.Store.CreateAsync(Pod("marker-a", "marker"), ct);
        await UntilEndpointsAsync("marker", e => ReadyNames(e).Count == 1, "is reconciled", ct);

        Assert.That(_cluster.Get<Orchestrator.Api.Endpoints>(Ns, "external-db")?.Metadata.ResourceVersion, Is.EqualTo(handWritten.Metadata.ResourceVersion),
            "the hand-written Endpoints is neither changed nor deleted");
    }

    [Test]
    public async Task Reconcile_ServiceDeleted_DeletesItsEndpoints(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(Service("web", new ServicePort { Port = 80 }), ct);
        await _cluster.Store.CreateAsync(Pod("web-a", "web"), ct);
        await UntilEndpointsAsync("web", e => ReadyNames(e).Count == 1, "lists the pod", ct);

        await _cluster.Store.DeleteAsync<Service>(Ns, "web", cancellationToken: ct);

        await _cluster.UntilAsync(() => _cluster.Get<Orchestrator.Api.Endpoints>(Ns, "web") is null, "the Endpoints is deleted with its Service", ct);
    }

    [Test]
    public async Task Reconcile_ServiceWithoutPods_HasEmptyEndpointsThatFillWhenPodsComeUp(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(Service("web", new ServicePort { Port = 80 }), ct);
        var empty = await UntilEndpointsAsync("web", _ => true, "exists", ct);

        await _cluster.Store.CreateAsync(Pod("web-a", "web"), ct);

        await UntilEndpointsAsync("web", e => ReadyNames(e).SequenceEqual(["web-a"]), "lists the new pod", ct);
        Assert.That(empty.Subsets, Is.Empty);
    }

    [Test]
    public async Task Reconcile_IrrelevantPodChange_WritesNothing(CancellationToken ct)
    {
        await _cluster.Store.CreateAsync(Service("web", new ServicePort { Port = 80 }), ct);
        await _cluster.Store.CreateAsync(Pod("web-a", "web"), ct);
        var before = await UntilEndpointsAsync("web", e => ReadyNames(e).Count == 1, "lists the pod", ct);
        var writes = new List<string>();
        using var watch = _cluster.Store.Watch<Orchestrator.Api.Endpoints>(new WatchOptions { Namespace = Ns, ResourceVersion = before.Metadata.ResourceVersion })
            .Subscribe(new Recorder(e => { lock (writes) writes.Add($"{e.Type} {e.Object.Metadata.Name}"); }));

        // An annotation changes nothing the Endpoints shows; a service label does, and is reconciled after it.
        await _cluster.Store.UpdateWithRetryAsync<Pod>(Ns, "web-a", p => p.WithAnnotation("example.com/note", "hello"), ct);
        await _cluster.Store.UpdateWithRetryAsync<Service>(Ns, "web", s => s.WithLabel("tier", "front"), ct);
        await UntilEndpointsAsync("web", e => e.Metadata.Labels.ContainsKey("tier"), "copies the new service label", ct);
        // Watch events arrive in resourceVersion order, so a write for the annotation would come before the label's.
        await _cluster.UntilAsync(() => { lock (writes) return writes.Count > 0; }, "the watch delivered the label write", ct);
        await _cluster.UntilAsync(() => _cluster.QueueOf(EndpointsReconciler.Name).Length == 0, "the controller is idle", ct);

        lock (writes) Assert.That(writes, Is.EqualTo(new[] { "Modified web" }), "one write: the label");
    }

    private static IReadOnlyDictionary<string, string> Labels(string key, string value) => ImmutableDictionary<string, string>.Empty.Add(key, value);

    private static Service Service(string name, params ServicePort[] ports) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = Ns },
        Spec = new ServiceSpec { Selector = Labels("app", name), Ports = ports },
    };

    private static Pod Pod(string name, string app, params ContainerPort[] ports) => Pod(name, app, false, false, ports);

    private static Pod Pod(string name, string app, bool readinessProbe = false, bool failReadiness = false, params ContainerPort[] ports) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = Ns,
            Labels = Labels("app", app),
            Annotations = failReadiness
                ? ImmutableDictionary<string, string>.Empty.Add(SimulatedAnnotations.FailReadiness, "true")
                : ImmutableDictionary<string, string>.Empty,
        },
        Spec = new PodSpec
        {
            Containers =
            [
                new Container
                {
                    Name = "app",
                    Image = TestCluster.Image,
                    Ports = ports,
                    ReadinessProbe = readinessProbe
                        ? new Probe { Exec = new ExecAction { Command = ["true"] }, PeriodSeconds = 1, FailureThreshold = 1, SuccessThreshold = 1 }
                        : null,
                },
            ],
        },
    };

    /// <summary>Sets whether the simulated runtime passes the pod's readiness probes from now on.</summary>
    private void SetReadiness(Pod pod, bool ready)
    {
        var runtime = _cluster.Nodes[pod.Spec.NodeName!].Runtime;
        var container = runtime.FindContainer(Ns, pod.Metadata.Name!, "app") ?? throw new AssertionException($"no container for {pod.Metadata.Name}");
        Assert.That(runtime.UpdateBehavior(container.Id, b => b with { FailReadiness = !ready }), Is.True);
    }

    /// <summary>The pod once it runs with an IP (waits without moving the clock).</summary>
    private Task<Pod> RunningPodAsync(string name, CancellationToken ct) =>
        _cluster.UntilAsync<Pod>(Ns, name, p => p.Status?.Phase == PodPhase.Running && !string.IsNullOrEmpty(p.Status.PodIP), "runs with an IP", ct);

    private Orchestrator.Api.Endpoints Endpoints(string name) =>
        _cluster.Get<Orchestrator.Api.Endpoints>(Ns, name) ?? new Orchestrator.Api.Endpoints();

    private Task<Orchestrator.Api.Endpoints> UntilEndpointsAsync(string name, Func<Orchestrator.Api.Endpoints, bool> condition, string because, CancellationToken ct) =>
        _cluster.UntilAsync(Ns, name, condition, because, ct);

    private static List<string> ReadyNames(Orchestrator.Api.Endpoints endpoints) =>
        [.. endpoints.Subsets.SelectMany(s => s.Addresses).Select(a => a.TargetRef?.Name ?? a.Ip).Order()];

    private static List<string> NotReadyNames(Orchestrator.Api.Endpoints endpoints) =>
        [.. endpoints.Subsets.SelectMany(s => s.NotReadyAddresses).Select(a => a.TargetRef?.Name ?? a.Ip).Order()];

    private sealed class Recorder(Action<WatchEvent<Orchestrator.Api.Endpoints>> onNext) : IObserver<WatchEvent<Orchestrator.Api.Endpoints>>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(WatchEvent<Orchestrator.Api.Endpoints> value) => onNext(value);
    }
}
