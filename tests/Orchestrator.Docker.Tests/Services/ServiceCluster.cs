using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Client;
using Orchestrator.Docker.Engine;
using Orchestrator.Docker.Hosting;
using Orchestrator.Docker.Networking;
using Orchestrator.Docker.Tests.Networking;
using Orchestrator.Docker.Tests.Pods;
using Orchestrator.Docker.Tests.Runtime;
using Orchestrator.Hosting;
using Orchestrator.Networking;
using Orchestrator.NodeAgent;
using Orchestrator.Store;

namespace Orchestrator.Docker.Tests.Services;

/// <summary>
/// A whole orchestrator in a generic host with the Service data plane, one node per test engine (<c>docker-1</c> on
/// the default engine, <c>docker-2</c> on the second), a service range of its own (a random /24 of 10.254.0.0/16, so
/// that concurrent clusters never share addresses on <c>lo</c>), and helpers that write manifests, run commands in pods
/// and wait (bounded) for Endpoints. Disposal stops the host (which removes the Service addresses) and removes every
/// container, network and directory of the cluster.
/// </summary>
internal sealed class ServiceCluster : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    /// <summary>Serves its pod name at <c>/</c> on port 8080; ready when that answers.</summary>
    public const string WebCommand = "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www";

    private readonly IHost _host;
    private readonly string _dataDirectory;
    private readonly DockerRuntimeOptions _options;

    private ServiceCluster(IHost host, string clusterId, string dataDirectory, DockerRuntimeOptions options, IPNetwork serviceRange)
    {
        _host = host;
        ClusterId = clusterId;
        _dataDirectory = dataDirectory;
        _options = options;
        ServiceRange = serviceRange;
    }

    public string ClusterId { get; }

    public IPNetwork ServiceRange { get; }

    public IServiceProvider Services => _host.Services;

    public IOrchestratorClient Client => Services.GetRequiredService<IOrchestratorClient>();

    public IServiceAddresses Addresses => Services.GetRequiredService<IServiceAddresses>();

    public DockerNodes Nodes => Services.GetRequiredService<DockerNodes>();

    public static async Task<ServiceCluster> StartAsync(CancellationToken cancellationToken)
    {
        (await DockerTestEnvironment.ConnectAsync(ct: cancellationToken)).Dispose();
        (await DockerTestEnvironment.ConnectSecondHostAsync(cancellationToken)).Dispose();
        HostNetworkEnvironment.RequireNetAdmin();

        var clusterId = "svc-" + DockerTestEnvironment.NewRunId();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "orch-docker-tests", clusterId);
        var range = HostNetworkEnvironment.NewRange();
        var options = DockerRuntimeFixture.Options(clusterId, dataDirectory, "docker-1");
        options.Hosts.Add(new DockerHostOptions { Name = "docker-2", Endpoint = new DockerEndpointOptions { Host = DockerTestEnvironment.SecondHost } });

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddOrchestrator(o =>
            {
                o.NodeAgent = DockerPodCluster.FastAgent;
                o.Store = o.Store with { ServiceClusterIPRange = range.ToString() };
            })
            .AddDockerRuntime(o => Copy(options, o));
        builder.Services.AddServiceNetworking();
        var host = builder.Build();
        var cluster = new ServiceCluster(host, clusterId, dataDirectory, options, range);
        try
        {
            using var start = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            start.CancelAfter(Timeout);
            await host.StartAsync(start.Token);
            await host.Services.GetRequiredService<NodeAgentHost>().Ready.WaitAsync(start.Token);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A pod on <paramref name="node"/> that serves its own name over HTTP on 8080, labelled <c>app=<paramref name="app"/></c>.</summary>
    public static string Backend(string name, string app, string node = "docker-1") => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: default
          labels:
            app: {{app}}
        spec:
          nodeName: {{node}}
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
          - name: web
            image: {{DockerTestEnvironment.BusyboxImage}}
            imagePullPolicy: IfNotPresent
            command: [sh, -c, '{{WebCommand}}']
            ports: [{name: http, containerPort: 8080}]
            readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1, failureThreshold: 1}
        """;

    /// <summary>A pod on <paramref name="node"/> that idles, to run clients in.</summary>
    public static string ClientPod(string name, string node = "docker-1") => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: default
        spec:
          nodeName: {{node}}
          terminationGracePeriodSeconds: 1
          containers:
          - name: client
            image: {{DockerTestEnvironment.BusyboxImage}}
            imagePullPolicy: IfNotPresent
            command: [sh, -c, "trap 'exit 0' TERM; while :; do sleep 3600 & wait; done"]
        """;

    /// <summary>A Service <paramref name="name"/> selecting <c>app=<paramref name="app"/></c>, port 80 to the named port <c>http</c>.</summary>
    public static string WebService(string name, string app, string extraSpec = "") => $$"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {{name}}
          namespace: default
        spec:
          selector:
            app: {{app}}
          ports: [{name: web, port: 80, targetPort: http}]
        {{Indent(extraSpec)}}
        """;

    public async Task ApplyAsync(params string[] manifests)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await Client.ApplyAsync(string.Join("\n---\n", manifests), cancellationToken: cts.Token);
    }

    public async Task<Pod> WaitForPodReadyAsync(string name)
    {
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            return await Client.WaitForConditionAsync<Pod>("default", name, p => p.IsReady(), Timeout, "ready", cts.Token);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            Assert.Fail($"pod {name} did not become ready: {DockerPodCluster.Describe(await Client.GetAsync<Pod>("default", name))}");
            throw;
        }
    }

    public async Task<IReadOnlyList<Pod>> WaitForPodsReadyAsync(params string[] names) =>
        await Task.WhenAll(names.Select(WaitForPodReadyAsync));

    /// <summary>Waits until the Service's Endpoints list exactly <paramref name="ips"/> as ready addresses.</summary>
    public async Task<Endpoints> WaitForEndpointsAsync(string service, IEnumerable<string> ips, TimeSpan? timeout = null)
    {
        var expected = ips.Order(StringComparer.Ordinal).ToArray();
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        Endpoints? last = null;
        while (true)
        {
            last = await Client.GetAsync<Endpoints>("default", service, cts.Token);
            if (last is not null && ReadyIps(last).SequenceEqual(expected)) return last;
            try
            {
                await Task.Delay(50, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Endpoints {service} never listed [{string.Join(", ", expected)}]; last: [{string.Join(", ", last is null ? [] : ReadyIps(last))}]");
            }
        }
    }

    public static string[] ReadyIps(Endpoints endpoints) =>
        [.. endpoints.Subsets.SelectMany(s => s.Addresses).Select(a => a.Ip).Order(StringComparer.Ordinal)];

    /// <summary>Runs <paramref name="script"/> with <c>sh -c</c> in the pod and returns its standard output; fails on a non-zero exit.</summary>
    public async Task<string> ShAsync(string pod, string script, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var result = await Client.ExecAsync("default", pod, ["sh", "-c", script], timeout: timeout ?? TimeSpan.FromSeconds(30), cancellationToken: cts.Token);
        if (result.ExitCode != 0 || result.TimedOut)
        {
            Assert.Fail($"`{script}` in {pod} exited {result.ExitCode} (timed out: {result.TimedOut}): {result.Stdout}{result.Stderr}");
        }
        return result.Stdout;
    }

    /// <summary>
    /// Fetches <paramref name="url"/> from the pod <paramref name="count"/> times (a fresh connection each) and returns
    /// the bodies, <c>FAIL</c> for a request that failed.
    /// </summary>
    public async Task<IReadOnlyList<string>> GetManyAsync(string pod, string url, int count)
    {
        var output = await ShAsync(pod, $"i=0; while [ $i -lt {count} ]; do timeout 5 wget -q -O - {url} || echo FAIL; i=$((i+1)); done");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Fetches <paramref name="url"/> from the pod until it answers (a new Service takes a moment to be served); returns the body.</summary>
    public async Task<string> GetWhenServedAsync(string pod, string url)
    {
        var output = await ShAsync(pod,
            $"i=0; while [ $i -lt 150 ]; do if out=$(timeout 2 wget -q -O - {url}); then echo \"$out\"; exit 0; fi; sleep 0.1; i=$((i+1)); done; " +
            "echo never served; exit 1", TimeSpan.FromSeconds(40));
        return output.Trim();
    }

    /// <summary>Kills the pod's container through its engine (as a crash would).</summary>
    public async Task KillAsync(Pod pod)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var id = DockerPodCluster.DockerId(DockerPodCluster.App(pod, pod.Spec.Containers[0].Name));
        await Nodes[pod.Spec.NodeName!].Runtime.Client.KillContainerAsync(id, "KILL", cts.Token);
    }

    public async Task<Service> GetServiceAsync(string name)
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await Client.GetAsync<Service>("default", name, cts.Token) ?? throw new AssertionException($"no Service {name}");
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _host.StopAsync(cts.Token);
        }
        finally
        {
            _host.Dispose();
            _options.RemoveLeftovers = false;
            await using (var nodes = await DockerNodes.ConnectAsync(_options, cancellationToken: cts.Token))
            {
                await nodes.PurgeAsync(cts.Token);
            }
            if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private static DockerRuntimeOptions Copy(DockerRuntimeOptions from, DockerRuntimeOptions to)
    {
        to.ClusterId = from.ClusterId;
        to.SandboxImage = from.SandboxImage;
        to.SandboxCommand.AddRange(from.SandboxCommand);
        to.DataDirectory = from.DataDirectory;
        to.MemoryDataDirectory = from.MemoryDataDirectory;
        to.Hosts.AddRange(from.Hosts);
        return to;
    }

    private static string Indent(string text) =>
        string.Join('\n', text.Split('\n').Select(l => l.Length == 0 ? l : "  " + l));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ClusterId} ({ServiceRange})");
}
