using System.Diagnostics;
using System.Net;
using Orchestrator.Api;
using Orchestrator.Docker.Tests.Networking;

namespace Orchestrator.Docker.Tests.Services;

/// <summary>
/// Services end to end on real containers: busybox <c>httpd</c> backends that serve their own pod name, busybox
/// <c>wget</c>/<c>nslookup</c> clients in pods, the in-process Service proxy and cluster DNS, on two Docker engines.
/// One cluster serves the whole fixture: three <c>web-*</c> backends and a client on <c>docker-1</c>, a client on
/// <c>docker-2</c>; tests that kill or add backends bring their own. Tests run concurrently.
/// </summary>
[Parallelizable(ParallelScope.Children)]
[FixtureLifeCycle(LifeCycle.SingleInstance)]
public sealed class ServiceTests
{
    private const int TimeoutMs = 60_000;
    private static readonly string[] Web = ["web-0", "web-1", "web-2"];

    private ServiceCluster _cluster = null!;
    private Dictionary<string, string> _webIps = null!;

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        using var start = new CancellationTokenSource(TimeoutMs);
        _cluster = await ServiceCluster.StartAsync(start.Token);
        await _cluster.ApplyAsync([
            .. Web.Select(name => ServiceCluster.Backend(name, "web")),
            ServiceCluster.ClientPod("client-1", "docker-1"),
            ServiceCluster.ClientPod("client-2", "docker-2"),
            ServiceCluster.WebService("web", "web"),
        ]);
        var pods = await _cluster.WaitForPodsReadyAsync([.. Web, "client-1", "client-2"]);
        _webIps = pods.Take(3).ToDictionary(p => p.Metadata.Name!, p => p.Status!.PodIP!);
        await _cluster.WaitForEndpointsAsync("web", _webIps.Values);
    }

    [OneTimeTearDown]
    public async Task StopCluster()
    {
        if (_cluster is null) return;
        var range = _cluster.ServiceRange;
        await _cluster.DisposeAsync();
        // Stopping the host removed every Service address it had put on lo.
        Assert.That(HostNetworkEnvironment.AddressesOnLo().Keys.Where(range.Contains), Is.Empty, "Service addresses left on lo");
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public async Task ClusterIP_FromAPod_ShortNameFqdnAndAddressReachABackend()
    {
        // Given the Service web (port 80 -> the backends' port named http, 8080)
        var clusterIP = (await _cluster.GetServiceAsync("web")).Spec.ClusterIP!;
        Assert.That(_cluster.ServiceRange.Contains(IPAddress.Parse(clusterIP)), Is.True, $"{clusterIP} is in the service range");

        // When a pod fetches it by short name, every longer form and its ClusterIP
        var byShortName = await _cluster.GetWhenServedAsync("client-1", "http://web/");
        var others = await _cluster.GetManyAsync("client-1", "http://web.default/", 1);
        others = [.. others, .. await _cluster.GetManyAsync("client-1", "http://web.default.svc/", 1)];
        others = [.. others, .. await _cluster.GetManyAsync("client-1", "http://web.default.svc.cluster.local/", 1)];
        others = [.. others, .. await _cluster.GetManyAsync("client-1", $"http://{clusterIP}/", 1)];

        // Then each answer is a backend's name
        Assert.That(byShortName, Is.AnyOf(Web));
        Assert.That(others, Has.Count.EqualTo(4).And.All.AnyOf(Web));
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public async Task ClusterIP_ManyConnections_SpreadOverAllThreeBackends()
    {
        // Given a Service of its own over the three backends (no other client shares its balancer)
        await _cluster.ApplyAsync(ServiceCluster.WebService("web-rr", "web"));
        await _cluster.WaitForEndpointsAsync("web-rr", _webIps.Values);
        await _cluster.GetWhenServedAsync("client-1", "http://web-rr/");

        // When a pod makes twelve connections
        var answers = await _cluster.GetManyAsync("client-1", "http://web-rr/", 12);

        // Then none fails and round-robin spread them over all three
        Assert.That(answers, Has.Count.EqualTo(12).And.All.AnyOf(Web), string.Join(",", answers));
        var perBackend = answers.GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(perBackend.Keys, Is.EquivalentTo(Web));
        Assert.That(perBackend.Values, Has.All.GreaterThanOrEqualTo(3), string.Join(",", answers));
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public async Task ClusterIP_FromAPodOnTheOtherEngine_ResolvesThroughItsOwnGatewayAndReachesTheBackends()
    {
        // When the client on docker-2 (its resolver is engine 2's gateway) fetches web, whose backends are on docker-1
        var first = await _cluster.GetWhenServedAsync("client-2", "http://web.default.svc.cluster.local/");
        var more = await _cluster.GetManyAsync("client-2", "http://web/", 3);

        // Then it is served
        Assert.That(first, Is.AnyOf(Web));
        Assert.That(more, Has.Count.EqualTo(3).And.All.AnyOf(Web));
        var resolvConf = await _cluster.ShAsync("client-2", "cat /etc/resolv.conf");
        Assert.That(resolvConf, Does.Contain("search default.svc.cluster.local svc.cluster.local cluster.local").And.Contain("ndots:5"));
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public async Task CrossHost_BackendsOnlyOnTheSecondEngine_ReachableFromAPodOnTheFirst()
    {
        // Given two backends on docker-2 only, and their Service
        await _cluster.ApplyAsync(
            ServiceCluster.Backend("far-0", "far", "docker-2"),
            ServiceCluster.Backend("far-1", "far", "docker-2"),
            ServiceCluster.WebService("far", "far"));
        var pods = await _cluster.WaitForPodsReadyAsync("far-0", "far-1");
        Assert.That(pods.Select(p => p.Spec.NodeName), Has.All.EqualTo("docker-2"));
        await _cluster.WaitForEndpointsAsync("far", pods.Select(p => p.Status!.PodIP!));

        // When the client on docker-1 fetches the Service
        await _cluster.GetWhenServedAsync("client-1", "http://far/");
        var answers = await _cluster.GetManyAsync("client-1", "http://far/", 6);

        // Then both far backends answer, and nothing fails
        Assert.That(answers, Has.Count.EqualTo(6).And.All.AnyOf("far-0", "far-1"), string.Join(",", answers));
        Assert.That(answers.Distinct(), Is.EquivalentTo(new[] { "far-0", "far-1" }));
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public async Task KilledBackend_LeavesTheEndpointsWithinTheReadinessWindow_AndNoLaterRequestFails()
    {
        // Given three backends of a Service of their own, all serving
        string[] names = ["kill-0", "kill-1", "kill-2"];
        await _cluster.ApplyAsync([.. names.Select(n => ServiceCluster.Backend(n, "kill")), ServiceCluster.WebService("kill", "kill")]);
        var pods = await _cluster.WaitForPodsReadyAsync(names);
        await _cluster.WaitForEndpointsAsync("kill", pods.Select(p => p.Status!.PodIP!));
        await _cluster.GetWhenServedAsync("client-1", "http://kill/");

        // When one backend's container is killed
        var clock = Stopwatch.StartNew();
        await _cluster.KillAsync(pods[0]);

        // Then its address leaves the Endpoints within the readiness window (the death event, or at worst the 1 s
        // probe period; the margin is for a loaded CI machine)
        await _cluster.WaitForEndpointsAsync("kill", pods.Skip(1).Select(p => p.Status!.PodIP!), TimeSpan.FromSeconds(15));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(8)));

        // And from then on every request succeeds, served by the two others only
        var answers = await _cluster.GetManyAsync("client-1", "http://kill/", 12);
        Assert.That(answers, Has.Count.EqualTo(12).And.All.AnyOf("kill-1", "kill-2"), string.Join(",", answers));
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public async Task Headless_Lookup_ReturnsEveryReadyPodIP()
    {
        // Given a headless Service over the web backends
        await _cluster.ApplyAsync(ServiceCluster.WebService("web-headless", "web", "clusterIP: None"));
        await _cluster.WaitForEndpointsAsync("web-headless", _webIps.Values);

        // When a pod looks its name up (until the DNS server has seen the Endpoints)
        var output = "";
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!_webIps.Values.All(output.Contains) && !deadline.IsCancellationRequested)
        {
            output = await _cluster.ShAsync("client-1", "nslookup web-headless.default.svc.cluster.local || true");
        }

        // Then every backend's IP is an answer, and the Service has no ClusterIP
        Assert.That(output, Does.Contain(_webIps["web-0"]).And.Contain(_webIps["web-1"]).And.Contain(_webIps["web-2"]), output);
        Assert.That((await _cluster.GetServiceAsync("web-headless")).Spec.ClusterIP, Is.EqualTo("None"));
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public async Task NodePort_FromTheHost_At127001ReachesABackend()
    {
        // Given a NodePort Service over the web backends
        await _cluster.ApplyAsync(ServiceCluster.WebService("web-np", "web", "type: NodePort"));
        var nodePort = (await _cluster.GetServiceAsync("web-np")).Spec.Ports[0].NodePort;
        Assert.That(nodePort, Is.InRange(30000, 32767));

        // When this process connects to 127.0.0.1:<nodePort>
        var answer = await FetchWhenServedAsync(new Uri($"http://127.0.0.1:{nodePort}/"));

        // Then a backend answers
        Assert.That(answer, Is.AnyOf(Web));
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public async Task ClientIPAffinity_ManyConnectionsFromOnePod_AllReachTheSameBackend()
    {
        // Given a Service with ClientIP session affinity
        await _cluster.ApplyAsync(ServiceCluster.WebService("web-sticky", "web", "sessionAffinity: ClientIP"));
        await _cluster.WaitForEndpointsAsync("web-sticky", _webIps.Values);
        var first = await _cluster.GetWhenServedAsync("client-1", "http://web-sticky/");

        // When the pod connects ten more times
        var answers = await _cluster.GetManyAsync("client-1", "http://web-sticky/", 10);

        // Then every connection went to the same backend
        Assert.That(first, Is.AnyOf(Web));
        Assert.That(answers, Has.Count.EqualTo(10).And.All.EqualTo(first), string.Join(",", answers));
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public async Task ServiceCreatedBeforeItsPods_StartsServingWhenThePodIsReady()
    {
        // Given a Service whose pods do not exist yet: requests fail
        await _cluster.ApplyAsync(ServiceCluster.WebService("late", "late"));
        var clusterIP = (await _cluster.GetServiceAsync("late")).Spec.ClusterIP;
        Assert.That(clusterIP, Is.Not.Null.And.Not.EqualTo("None"));
        var before = await _cluster.GetManyAsync("client-1", $"http://{clusterIP}/", 1);
        Assert.That(before, Is.EqualTo(new[] { "FAIL" }));

        // When its pod is created and becomes ready
        await _cluster.ApplyAsync(ServiceCluster.Backend("late-0", "late"));
        var pod = await _cluster.WaitForPodReadyAsync("late-0");
        await _cluster.WaitForEndpointsAsync("late", [pod.Status!.PodIP!]);

        // Then the Service serves it, by name
        Assert.That(await _cluster.GetWhenServedAsync("client-1", "http://late/"), Is.EqualTo("late-0"));
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public async Task GetServiceAddressAsync_FromThisProcess_ReachesTheBackends()
    {
        // When the test process asks where Service web port 80 is, and connects there six times
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var endpoint = await _cluster.Addresses.GetServiceAddressAsync("default", "web", 80, wait.Token);
        var answers = new List<string>();
        for (var i = 0; i < 6; i++) answers.Add(await FetchWhenServedAsync(new Uri($"http://{endpoint}/")));

        // Then it is a loopback address, and the backends answer
        Assert.That(IPAddress.IsLoopback(endpoint.Address), Is.True);
        Assert.That(answers, Has.All.AnyOf(Web));
        Assert.That(answers.Distinct().Count(), Is.GreaterThanOrEqualTo(2), string.Join(",", answers));
    }

    [Test]
    [CancelAfter(TimeoutMs)]
    public async Task OtherNames_ExternalNameAndPodNamesOnTheDockerNetwork_StillResolve()
    {
        // Given an ExternalName Service that aliases the web Service's full name
        await _cluster.ApplyAsync("""
            apiVersion: v1
            kind: Service
            metadata: {name: web-alias, namespace: default}
            spec: {type: ExternalName, externalName: web.default.svc.cluster.local}
            """);

        // When a pod fetches the alias, and reaches another pod by its name (a name outside the cluster domain, which
        // the engine's embedded DNS answers once the search list is exhausted)
        var viaAlias = await _cluster.GetWhenServedAsync("client-1", "http://web-alias/");
        var byPodName = await _cluster.GetManyAsync("client-1", "http://web-0:8080/", 1);
        var podLookup = await _cluster.ShAsync("client-1", "nslookup web-0. || true");

        // Then both resolve
        Assert.That(viaAlias, Is.AnyOf(Web));
        Assert.That(byPodName, Is.EqualTo(new[] { "web-0" }));
        Assert.That(podLookup, Does.Contain(_webIps["web-0"]), podLookup);
    }

    /// <summary>GETs <paramref name="uri"/> from this process until it answers (bounded); returns the body.</summary>
    private static async Task<string> FetchWhenServedAsync(Uri uri)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Exception? last = null;
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.ConnectionClose = true;
                using var response = await http.SendAsync(request, deadline.Token);
                if (response.IsSuccessStatusCode) return (await response.Content.ReadAsStringAsync(deadline.Token)).Trim();
                last = new HttpRequestException($"HTTP {(int)response.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e;
            }
            try
            {
                await Task.Delay(100, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        Assert.Fail($"{uri} was never served: {last?.Message}");
        return "";
    }
}
