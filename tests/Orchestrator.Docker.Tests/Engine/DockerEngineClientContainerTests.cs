using System.Net;
using Orchestrator.Docker.Engine;

namespace Orchestrator.Docker.Tests.Engine;

/// <summary>Container lifecycle against the real engine with orchestrator-test/busybox:1.0.</summary>
public sealed class DockerEngineClientContainerTests : EngineTestBase
{
    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateStartInspect_SleepingContainer_ReportsRunningStateLabelsAndAddress(CancellationToken ct)
    {
        // Given a created container
        string name = UniqueName("inspect");
        string id = await Client.CreateContainerAsync(name, Busybox("sleep", "300") with { Labels = Labels("inspect") }, ct);
        ContainerInspectResponse created = await Client.InspectContainerAsync(id, ct);
        Assert.That(created.State.Status, Is.EqualTo("created"));
        Assert.That(created.State.StartedAt, Is.Null, "Go's zero time reads as null");

        // When it starts
        await Client.StartContainerAsync(id, ct);
        ContainerInspectResponse running = await Client.InspectContainerAsync(name, ct);

        // Then inspect shows it running with its labels, image and bridge address
        Assert.That(running.Id, Is.EqualTo(id));
        Assert.That(running.Name, Is.EqualTo("/" + name));
        Assert.That(running.State.Running, Is.True);
        Assert.That(running.State.Status, Is.EqualTo("running"));
        Assert.That(running.State.Pid, Is.GreaterThan(0));
        Assert.That(running.State.StartedAt, Is.Not.Null);
        Assert.That(running.State.FinishedAt, Is.Null);
        Assert.That(running.Config.Labels, Does.ContainKey(DockerTestEnvironment.TestLabel).WithValue("true"));
        Assert.That(running.Config.Image, Is.EqualTo(DockerTestEnvironment.BusyboxImage));
        Assert.That(running.Image, Does.StartWith("sha256:"));
        Assert.That(running.NetworkSettings.IPAddress, Is.Not.Empty);
        Assert.That(running.NetworkSettings.Networks, Does.ContainKey("bridge"));
        Assert.That(running.NetworkSettings.Networks!["bridge"].IPAddress, Is.EqualTo(running.NetworkSettings.IPAddress));
        Assert.That(running.HostConfig!.RestartPolicy.Name, Is.EqualTo("no"));
        Assert.That(running.HostConfig.AutoRemove, Is.False);
        Assert.That(await Client.StartContainerAsync(id, ct), Is.False, "starting a running container is a no-op");
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task WaitContainerAsync_ProcessExits_ReturnsExitCodeAndInspectAgrees(CancellationToken ct)
    {
        string id = await RunAsync(Busybox("sh", "-c", "exit 7"), ct);

        ContainerWaitResponse waited = await Client.WaitContainerAsync(id, ContainerWaitCondition.NotRunning, ct);
        ContainerInspectResponse inspect = await Client.InspectContainerAsync(id, ct);

        Assert.That(waited.StatusCode, Is.EqualTo(7));
        Assert.That(inspect.State.ExitCode, Is.EqualTo(7));
        Assert.That(inspect.State.Status, Is.EqualTo("exited"));
        Assert.That(inspect.State.Running, Is.False);
        // The engine records StartedAt after the process started, so a short run can "finish" a moment before it.
        Assert.That(inspect.State.FinishedAt, Is.Not.Null);
        Assert.That(inspect.State.FinishedAt!.Value, Is.EqualTo(inspect.State.StartedAt!.Value).Within(TimeSpan.FromSeconds(5)));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task StopContainerAsync_WithInit_SigtermEndsProcessBeforeTimeout(CancellationToken ct)
    {
        // Given a sleep under docker-init, which forwards SIGTERM (a bare PID 1 would ignore it)
        string id = await RunAsync(Busybox("sleep", "300") with { HostConfig = new DockerHostConfig { Init = true } }, ct);

        // When stopped with a generous grace period
        bool stopped = await Client.StopContainerAsync(id, TimeSpan.FromSeconds(30), ct);

        // Then SIGTERM ended it (143), not the SIGKILL after the timeout (137)
        ContainerInspectResponse inspect = await Client.InspectContainerAsync(id, ct);
        Assert.That(stopped, Is.True);
        Assert.That(inspect.State.ExitCode, Is.EqualTo(143));
        Assert.That(inspect.State.FinishedAt!.Value - inspect.State.StartedAt!.Value, Is.LessThan(TimeSpan.FromSeconds(25)));
        Assert.That(await Client.StopContainerAsync(id, TimeSpan.FromSeconds(1), ct), Is.False, "stopping a stopped container is a no-op");
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task StopContainerAsync_ProcessIgnoresSigterm_KilledAfterTimeout(CancellationToken ct)
    {
        string id = await RunAsync(Busybox("sleep", "300"), ct);

        await Client.StopContainerAsync(id, TimeSpan.FromSeconds(1), ct);

        ContainerInspectResponse inspect = await Client.InspectContainerAsync(id, ct);
        Assert.That(inspect.State.Running, Is.False);
        Assert.That(inspect.State.ExitCode, Is.EqualTo(137));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task KillContainerAsync_RunningContainer_EventsStreamReportsKillAndDieWithExitCode(CancellationToken ct)
    {
        // Given a running container with a label unique to this test, and an events stream filtered on it
        string testCase = Guid.NewGuid().ToString("N");
        string id = await RunAsync(Busybox("sleep", "300") with { Labels = Labels(testCase) }, ct);
        DateTimeOffset created = (await Client.InspectContainerAsync(id, ct)).Created!.Value;
        DockerFilters filters = DockerFilters.Label("orchestrator.test.case", testCase).Add("type", "container");
        var seen = new List<DockerEvent>();
        Task watch = Task.Run(
            async () =>
            {
                // since: replays from just before creation, so nothing between subscribing and killing is missed.
                await foreach (DockerEvent e in Client.MonitorEventsAsync(filters, since: created.AddSeconds(-1), ct: ct))
                {
                    lock (seen)
                        seen.Add(e);
                    if (e.Action == "die")
                        return;
                }
            },
            ct);

        // When it is killed
        await Client.KillContainerAsync(id, "SIGKILL", ct);
        await watch.WaitAsync(ct);

        // Then the stream carried start, kill (signal 9) and die (exit code 137) for this container, in order
        List<string?> actions = seen.Select(e => e.Action).ToList();
        Assert.That(seen.Select(e => e.Actor.ID), Is.All.EqualTo(id));
        Assert.That(seen.Select(e => e.Type), Is.All.EqualTo("container"));
        Assert.That(actions, Is.SupersetOf(new[] { "create", "start", "kill", "die" }));
        Assert.That(actions.IndexOf("start"), Is.LessThan(actions.IndexOf("kill")));
        Assert.That(actions.IndexOf("kill"), Is.LessThan(actions.IndexOf("die")));
        DockerEvent kill = seen.First(e => e.Action == "kill");
        DockerEvent die = seen.Single(e => e.Action == "die");
        Assert.That(kill.Actor.Attributes, Does.ContainKey("signal").WithValue("9"));
        Assert.That(die.Actor.Attributes, Does.ContainKey("exitCode").WithValue("137"));
        Assert.That(die.Actor.Attributes, Does.ContainKey("orchestrator.test.case").WithValue(testCase));
        Assert.That(die.Timestamp, Is.GreaterThanOrEqualTo(kill.Timestamp));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task Container_OverMemoryLimit_IsOomKilledAndReportsIt(CancellationToken ct)
    {
        // Given a 16 MiB limit and a process that buffers 200 MB
        ContainerCreateRequest request = Busybox("sh", "-c", "head -c 200m /dev/zero | tail") with
        {
            HostConfig = new DockerHostConfig { Memory = 16 * 1024 * 1024 },
        };
        string id = await RunAsync(request, ct);

        // When it exits
        ContainerWaitResponse waited = await Client.WaitContainerAsync(id, ct: ct);

        // Then the engine says the kernel killed it for memory
        ContainerInspectResponse inspect = await Client.InspectContainerAsync(id, ct);
        Assert.That(waited.StatusCode, Is.EqualTo(137));
        Assert.That(inspect.State.OOMKilled, Is.True);
        Assert.That(inspect.HostConfig!.Memory, Is.EqualTo(16 * 1024 * 1024));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task KillContainerAsync_StoppedContainer_ThrowsConflictWithEngineMessage(CancellationToken ct)
    {
        string id = await Client.CreateContainerAsync(null, Busybox("true"), ct);

        var error = Assert.ThrowsAsync<DockerConflictException>(() => Client.KillContainerAsync(id, ct: ct));

        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(error.EngineMessage, Does.Contain("is not running"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task RemoveContainerAsync_ForceOnRunningContainer_RemovesItAndInspectThrowsNotFound(CancellationToken ct)
    {
        string id = await RunAsync(Busybox("sleep", "300"), ct);

        await Client.RemoveContainerAsync(id, force: true, removeVolumes: true, ct);

        var error = Assert.ThrowsAsync<DockerNotFoundException>(() => Client.InspectContainerAsync(id, ct));
        Assert.That(error!.EngineMessage, Does.Contain("No such container"));
        Assert.That(error.Message, Does.Contain("GET /containers/").And.Contain(Client.Endpoint.Address));
        Assert.ThrowsAsync<DockerNotFoundException>(() => Client.RemoveContainerAsync(id, force: true, ct: ct));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ListContainersAsync_LabelFilter_ReturnsExactlyTheLabelledContainers(CancellationToken ct)
    {
        // Given two containers with one case label (one running, one only created) and one with another
        string testCase = Guid.NewGuid().ToString("N");
        string running = await RunAsync(Busybox("sleep", "300") with { Labels = Labels(testCase) }, ct);
        string created = await Client.CreateContainerAsync(null, Busybox("true") with { Labels = Labels(testCase) }, ct);
        await Client.CreateContainerAsync(null, Busybox("true") with { Labels = Labels(Guid.NewGuid().ToString("N")) }, ct);
        DockerFilters filter = DockerFilters.Label("orchestrator.test.case", testCase).WithLabel(DockerTestEnvironment.TestLabel, "true");

        // When listed by label
        IReadOnlyList<ContainerSummary> all = await Client.ListContainersAsync(all: true, filter, ct);
        IReadOnlyList<ContainerSummary> runningOnly = await Client.ListContainersAsync(all: false, filter, ct);

        // Then only those two come back (only the running one without all)
        Assert.That(all.Select(c => c.Id), Is.EquivalentTo(new[] { running, created }));
        Assert.That(runningOnly.Select(c => c.Id), Is.EqualTo(new[] { running }));
        ContainerSummary summary = all.Single(c => c.Id == running);
        Assert.That(summary.State, Is.EqualTo("running"));
        Assert.That(summary.Labels, Does.ContainKey("orchestrator.test.case").WithValue(testCase));
        Assert.That(summary.Names.Single(), Does.StartWith("/"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public void CreateContainerAsync_MissingImage_ThrowsNotFoundNamingTheImage(CancellationToken ct)
    {
        var error = Assert.ThrowsAsync<DockerNotFoundException>(
            () => Client.CreateContainerAsync(null, Busybox("true") with { Image = "orchestrator-test/missing:0" }, ct));

        Assert.That(error!.EngineMessage, Is.EqualTo("No such image: orchestrator-test/missing:0"));
        Assert.That(error.Message, Does.StartWith("No such image: orchestrator-test/missing:0").And.Contain("POST /containers/create"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateContainerAsync_NameInUse_ThrowsConflict(CancellationToken ct)
    {
        string name = UniqueName("dup");
        await Client.CreateContainerAsync(name, Busybox("true"), ct);

        var error = Assert.ThrowsAsync<DockerConflictException>(() => Client.CreateContainerAsync(name, Busybox("true"), ct));

        Assert.That(error!.EngineMessage, Does.Contain("already in use"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateContainerAsync_HostConfigSettings_AreAppliedInsideTheContainer(CancellationToken ct)
    {
        // Given env, working dir, hostname, extra hosts, DNS settings, limits and a capability
        ContainerCreateRequest request = Busybox("sleep", "300") with
        {
            Env = ["GREETING=hello from env"],
            WorkingDir = "/tmp",
            Hostname = "web-0",
            HostConfig = new DockerHostConfig
            {
                ExtraHosts = ["db.orch.test:10.1.2.3"],
                Dns = ["10.9.9.9"],
                DnsSearch = ["svc.orch.test"],
                DnsOptions = ["ndots:5"],
                Memory = 64 * 1024 * 1024,
                NanoCpus = 500_000_000,
                CapAdd = ["NET_ADMIN"],
            },
        };
        string id = await RunAsync(request, ct);

        // When the container reports what it sees
        ExecResult result = await Client.ExecAsync(
            id,
            new ExecCreateRequest { Cmd = ["sh", "-c", "echo $GREETING; pwd; hostname; grep db.orch.test /etc/hosts; cat /etc/resolv.conf"] },
            TimeSpan.FromSeconds(20),
            ct: ct);

        // Then every setting took effect
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
        Assert.That(result.Stdout, Does.StartWith("hello from env\n/tmp\nweb-0\n"));
        Assert.That(result.Stdout, Does.Contain("10.1.2.3").And.Contain("db.orch.test"));
        Assert.That(result.Stdout, Does.Contain("nameserver 10.9.9.9").And.Contain("search svc.orch.test").And.Contain("ndots:5"));
        ContainerInspectResponse inspect = await Client.InspectContainerAsync(id, ct);
        Assert.That(inspect.HostConfig!.Memory, Is.EqualTo(64 * 1024 * 1024));
        Assert.That(inspect.HostConfig.NanoCpus, Is.EqualTo(500_000_000));
        Assert.That(inspect.HostConfig.CapAdd, Is.EqualTo(new[] { "NET_ADMIN" }));
        Assert.That(inspect.Config.Env, Does.Contain("GREETING=hello from env"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateContainerAsync_JoinsSandboxNamespaces_SharesNetworkAndProcesses(CancellationToken ct)
    {
        // Given a sandbox serving HTTP on its loopback, with a shareable IPC namespace
        ContainerCreateRequest sandbox = Busybox("httpd", "-f", "-p", "127.0.0.1:8080", "-h", "/var/www") with
        {
            HostConfig = new DockerHostConfig { IpcMode = "shareable" },
        };
        string sandboxId = await RunAsync(sandbox, ct);

        // When an app container joins its network, IPC and PID namespaces
        ContainerCreateRequest app = Busybox("sleep", "300") with
        {
            HostConfig = new DockerHostConfig
            {
                NetworkMode = "container:" + sandboxId,
                IpcMode = "container:" + sandboxId,
                PidMode = "container:" + sandboxId,
            },
        };
        string appId = await RunAsync(app, ct);

        // Then it reaches the sandbox's loopback and sees its processes
        ExecResult result = await Client.ExecAsync(
            appId,
            new ExecCreateRequest { Cmd = ["sh", "-c", "timeout 10 wget -q -O - http://127.0.0.1:8080/; ps"] },
            TimeSpan.FromSeconds(20),
            ct: ct);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
        Assert.That(result.Stdout, Does.StartWith("orchestrator-test\n"));
        Assert.That(result.Stdout, Does.Contain("httpd -f -p 127.0.0.1:8080"));
        ContainerInspectResponse inspect = await Client.InspectContainerAsync(appId, ct);
        Assert.That(inspect.HostConfig!.NetworkMode, Is.EqualTo("container:" + sandboxId));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateContainerAsync_PortBindingOnLoopback_ServesHttpOnTheHostPort(CancellationToken ct)
    {
        // Given httpd on port 80 published on a free loopback port
        ContainerCreateRequest request = Busybox("httpd", "-f", "-p", "80", "-h", "/var/www") with
        {
            ExposedPorts = ContainerCreateRequest.Ports((80, "TCP")),
            HostConfig = new DockerHostConfig
            {
                PortBindings = new Dictionary<string, IReadOnlyList<DockerPortBinding>> { ["80/tcp"] = [new DockerPortBinding("127.0.0.1", "")] },
            },
        };
        string id = await RunAsync(request, ct);
        ContainerInspectResponse inspect = await Client.InspectContainerAsync(id, ct);
        DockerPortBinding binding = inspect.NetworkSettings.Ports!["80/tcp"]!.Single();
        Assert.That(binding.HostIp, Is.EqualTo("127.0.0.1"));

        // When the host asks that port (httpd may need a moment to listen)
        using var http = new HttpClient();
        string? body = null;
        for (int attempt = 0; body is null; attempt++)
        {
            try
            {
                body = await http.GetStringAsync($"http://127.0.0.1:{binding.HostPort}/", ct);
            }
            catch (HttpRequestException) when (attempt < 50)
            {
                await Task.Delay(100, ct);
            }
        }

        // Then the container answers
        Assert.That(body, Is.EqualTo("orchestrator-test\n"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task GetContainerStatsAsync_RunningContainer_ReportsCpuTimeAndMemory(CancellationToken ct)
    {
        string id = await RunAsync(Busybox("sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 300") with
        {
            HostConfig = new DockerHostConfig { Memory = 64 * 1024 * 1024 },
        }, ct);
        await Client.ExecAsync(id, new ExecCreateRequest { Cmd = ["true"] }, TimeSpan.FromSeconds(20), ct: ct);

        ContainerStatsResponse stats = await Client.GetContainerStatsAsync(id, ct);

        Assert.That(stats.Read, Is.Not.Null);
        Assert.That(stats.CpuStats.CpuUsage.TotalUsage, Is.GreaterThan(0UL));
        Assert.That(stats.CpuStats.OnlineCpus, Is.GreaterThan(0));
        Assert.That(stats.MemoryStats.Usage, Is.GreaterThan(0UL));
        Assert.That(stats.MemoryStats.Limit, Is.EqualTo(64UL * 1024 * 1024));
        Assert.That(stats.MemoryStats.WorkingSet, Is.GreaterThan(0UL).And.LessThanOrEqualTo(stats.MemoryStats.Usage));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task GetInfoAsync_ReportsHostCapacityAndIdentity(CancellationToken ct)
    {
        DockerInfoResponse info = await Client.GetInfoAsync(ct);

        Assert.That(info.NCPU, Is.GreaterThan(0));
        Assert.That(info.MemTotal, Is.GreaterThan(0));
        Assert.That(info.Name, Is.Not.Empty);
        Assert.That(info.ServerVersion, Is.EqualTo(Client.EngineVersion.Version));
        Assert.That(info.OperatingSystem, Is.Not.Empty);
        Assert.That(info.Architecture, Is.Not.Empty);
    }
}
