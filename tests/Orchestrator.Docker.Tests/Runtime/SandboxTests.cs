using System.Net;
using System.Net.Sockets;
using Orchestrator.Docker.Runtime;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Tests.Runtime;

/// <summary>Pod sandboxes on the real engine: shared namespaces, pod IP, hostname, DNS, host ports.</summary>
public sealed class SandboxTests : DockerRuntimeFixture
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateContainer_TwoContainersInOneSandbox_ShareLocalhostAndThePodIP(CancellationToken ct)
    {
        // Given a sandbox with a web server and a client container
        var sandbox = Sandbox("web");
        var (sandboxId, podIp) = await RunSandboxAsync(sandbox, ct);
        var server = await RunContainerAsync(sandboxId, Container(sandbox, "server", "httpd", "-f", "-p", "8080", "-h", "/var/www"), ct);
        var client = await RunContainerAsync(sandboxId, Container(sandbox, "client", "sleep", "300"), ct);

        // When the client fetches from localhost, and this process from the pod IP
        var fromClient = await RetryAsync(async () =>
        {
            var result = await Runtime.ExecAsync(client, ["timeout", "5", "wget", "-q", "-O", "-", "http://127.0.0.1:8080/"], TimeSpan.FromSeconds(10), ct);
            return result.ExitCode == 0 ? result.Stdout : throw new InvalidOperationException(result.Stderr);
        }, ct);
        var fromHost = await RetryAsync(() => Http.GetStringAsync($"http://{podIp}:8080/", ct), ct);

        // Then both reach the server, and every container of the pod sees the pod IP and the pod's hostname
        Assert.That(fromClient.Trim(), Is.EqualTo("orchestrator-test"));
        Assert.That(fromHost.Trim(), Is.EqualTo("orchestrator-test"));
        Assert.That((await ExecAsync(client, ct, "hostname")).Trim(), Is.EqualTo("web"));
        Assert.That((await ExecAsync(server, ct, "hostname", "-i")).Trim(), Does.Contain(podIp));
        Assert.That((await Runtime.GetContainerStatusAsync(server, ct))!.SandboxId, Is.EqualTo(sandboxId));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateSandbox_OnThePodNetwork_OtherPodsResolveItByName(CancellationToken ct)
    {
        // Given two pods of the node
        var first = Sandbox("resolver-a");
        var second = Sandbox("resolver-b");
        var (firstId, _) = await RunSandboxAsync(first, ct);
        var (_, secondIp) = await RunSandboxAsync(second, ct);
        var client = await RunContainerAsync(firstId, Container(first, "client", "sleep", "300"), ct);

        // When one looks the other up by pod name
        var answer = await ExecAsync(client, ct, "nslookup", "resolver-b");

        // Then the engine's DNS on the pod network answers with the other pod's IP
        Assert.That(answer, Does.Contain(secondIp));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateSandbox_DnsHostEntriesAndHostPort_AreApplied(CancellationToken ct)
    {
        // Given a sandbox with DNS settings, a host alias and a host port
        var hostPort = FreePort();
        var sandbox = Sandbox("settings") with
        {
            Dns = new DnsSettings { Servers = ["10.96.0.10"], Searches = ["default.svc.cluster.local"], Options = ["ndots:5"] },
            HostEntries = [new HostEntry("10.1.2.3", ["db.internal"])],
            PortMappings = [new PortMapping(8080, hostPort)],
        };
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var server = await RunContainerAsync(sandboxId, Container(sandbox, "server", "httpd", "-f", "-p", "8080", "-h", "/var/www"), ct);

        // When the containers read their resolver files and this process uses the host port
        var resolv = await ExecAsync(server, ct, "cat", "/etc/resolv.conf");
        var hosts = await ExecAsync(server, ct, "cat", "/etc/hosts");
        var body = await RetryAsync(() => Http.GetStringAsync($"http://127.0.0.1:{hostPort}/", ct), ct);

        // Then the search path, options and alias are there, and the host port reaches the pod
        Assert.That(resolv, Does.Contain("default.svc.cluster.local"));
        Assert.That(resolv, Does.Contain("ndots:5"));
        Assert.That(hosts, Does.Match(@"10\.1\.2\.3\s+db\.internal"));
        Assert.That(body.Trim(), Is.EqualTo("orchestrator-test"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateSandbox_HostNetwork_ContainersUseTheHostsNetwork(CancellationToken ct)
    {
        var sandbox = Sandbox("on-host") with { HostNetwork = true, PortMappings = [new PortMapping(80, 8080)] };

        var sandboxId = await Runtime.CreateSandboxAsync(sandbox, ct);
        var app = await RunContainerAsync(sandboxId, Container(sandbox, "app", "sleep", "300"), ct);

        Assert.That((await Client.InspectContainerAsync(sandboxId, ct)).HostConfig!.NetworkMode, Is.EqualTo("host"));
        Assert.That((await ExecAsync(app, ct, "hostname")).Trim(), Is.EqualTo(System.Net.Dns.GetHostName()));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task StopAndRemoveSandbox_WithContainers_KillsThenRemovesEverything(CancellationToken ct)
    {
        // Given a sandbox with a running container
        var sandbox = Sandbox("teardown");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var app = await RunContainerAsync(sandboxId, Container(sandbox, "app", "sleep", "300"), ct);
        var directory = (await Client.InspectContainerAsync(sandboxId, ct)).Config.Labels![DockerLabels.SandboxDirectory];
        Assert.That(Directory.Exists(directory), Is.True);

        // When it is stopped
        await Runtime.StopSandboxAsync(sandboxId, ct);

        // Then it is not ready and its container exited; after removal nothing is left, and both calls are idempotent
        var listed = await Runtime.ListSandboxesAsync(new Dictionary<string, string> { [ContainerLabels.PodUid] = sandbox.PodUid }, ct);
        Assert.That(listed.Single().State, Is.EqualTo(RuntimeSandboxState.NotReady));
        Assert.That((await Runtime.GetContainerStatusAsync(app, ct))!.State, Is.EqualTo(RuntimeContainerState.Exited));
        await Runtime.StopSandboxAsync(sandboxId, ct);

        await Runtime.RemoveSandboxAsync(sandboxId, ct);
        Assert.That(await Runtime.ListSandboxesAsync(new Dictionary<string, string> { [ContainerLabels.PodUid] = sandbox.PodUid }, ct), Is.Empty);
        Assert.That(await Runtime.GetContainerStatusAsync(app, ct), Is.Null);
        Assert.That(Directory.Exists(directory), Is.False);
        await Runtime.RemoveSandboxAsync(sandboxId, ct);
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateContainer_SandboxStopped_FailsWithNotReady(CancellationToken ct)
    {
        var sandbox = Sandbox("stopped");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        await Runtime.StopSandboxAsync(sandboxId, ct);

        var error = Assert.ThrowsAsync<ContainerRuntimeException>(async () => await Runtime.CreateContainerAsync(sandboxId, Container(sandbox, "app", "true"), ct));

        Assert.That(error!.Message, Does.Contain("not ready"));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Retries a call for a few seconds while a server in a container is still starting.</summary>
    private static async Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception) when (attempt < 50 && !ct.IsCancellationRequested)
            {
                await Task.Delay(100, ct);
            }
        }
    }
}
