using System.Diagnostics;
using System.Text;
using Orchestrator.Api;
using Orchestrator.Runtime;
using static Orchestrator.Docker.Tests.Pods.DockerPodCluster;

namespace Orchestrator.Docker.Tests.Pods;

/// <summary>
/// Pods end to end on the real engine: created in the store, run by the node agent through the Docker runtime, observed
/// through their status. One cluster for the fixture; each test has its own pods.
/// </summary>
[CancelAfter(120_000)]
public sealed class DockerPodTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private DockerPodCluster _cluster = null!;

    private IContainerRuntime Runtime => _cluster.Nodes[0].Runtime;

    [OneTimeSetUp]
    public async Task StartCluster() => _cluster = await DockerPodCluster.StartAsync();

    [OneTimeTearDown]
    public async Task StopCluster()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Test]
    public async Task Pod_TwoContainersWithReadinessProbe_BecomesReadyAndSharesLocalhostAndPodIP()
    {
        // Given a pod of a web server with an HTTP readiness probe and a sidecar
        var web = Busybox("web", "httpd", "-f", "-p", "8080", "-h", "/var/www") with
        {
            Ports = [new ContainerPort { Port = 8080 }],
            ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/", Port = 8080 }, PeriodSeconds = 1 },
        };
        await _cluster.CreateAsync(NewPod("two-containers", web, Busybox("sidecar", "sleep", "600")));

        // When the agent has run it
        var pod = await _cluster.WaitForPodAsync("two-containers", p => p.IsReady(), "ready");

        // Then it is Running and Ready with a pod IP this process reaches, and the sidecar reaches the server on localhost
        Assert.That(pod.Status!.Phase, Is.EqualTo(PodPhase.Running));
        Assert.That(pod.Status.PodIP, Is.Not.Null.And.Not.Empty);
        Assert.That(pod.Status.HostIP, Is.EqualTo("127.0.0.1"));
        Assert.That(App(pod, "web").ContainerID, Does.StartWith("docker://"));
        Assert.That((await Http.GetStringAsync($"http://{pod.Status.PodIP}:8080/")).Trim(), Is.EqualTo("orchestrator-test"));
        var sidecar = DockerId(App(pod, "sidecar"));
        var fetched = await ((IContainerExec)Runtime).ExecAsync(sidecar, ["timeout", "5", "wget", "-q", "-O", "-", "http://localhost:8080/"], TimeSpan.FromSeconds(10));
        Assert.That(fetched.Stdout.Trim(), Is.EqualTo("orchestrator-test"));
    }

    [Test]
    public async Task Pod_ContainerCrashes_IsRestartedWithBackOff()
    {
        // Given a container that fails at once
        await _cluster.CreateAsync(NewPod("crasher", Busybox("app", "sh", "-c", "echo crashing; exit 1")));

        // When it has crashed a few times
        var pod = await _cluster.WaitForPodAsync("crasher", p => App(p).RestartCount >= 2 && App(p).State.Waiting?.Reason == "CrashLoopBackOff",
            "restarted twice and backing off");

        // Then its last termination is recorded and the agent reported the back-off
        Assert.That(App(pod).LastState?.Terminated?.ExitCode, Is.EqualTo(1));
        Assert.That(App(pod).LastState?.Terminated?.Reason, Is.EqualTo("Error"));
        Assert.That((await _cluster.EventsAsync("crasher")).Select(e => e.Reason), Does.Contain("BackOff"));
    }

    [Test]
    public async Task Pod_LivenessProbeFails_ContainerIsRestarted()
    {
        // Given a container that is healthy until its health file disappears
        var app = Busybox("app", "sh", "-c", "touch /tmp/healthy; sleep 600") with
        {
            LivenessProbe = new Probe { Exec = new ExecAction { Command = ["cat", "/tmp/healthy"] }, PeriodSeconds = 1, FailureThreshold = 1 },
        };
        var running = await RunAsync(NewPod("liveness", app));
        Assert.That(App(running).RestartCount, Is.Zero);

        // When the file is removed
        await ((IContainerExec)Runtime).ExecAsync(DockerId(App(running)), ["rm", "/tmp/healthy"], TimeSpan.FromSeconds(10));

        // Then the probe fails and the agent restarts the container
        var pod = await _cluster.WaitForPodAsync("liveness", p => App(p).RestartCount == 1 && App(p).State.Running is not null, "restarted");
        Assert.That(App(pod).ContainerID, Is.Not.EqualTo(App(running).ContainerID));
        Assert.That((await _cluster.EventsAsync("liveness")).Select(e => e.Reason), Does.Contain("Unhealthy"));
    }

    [Test]
    public async Task Pod_ReadinessProbe_GatesReadyBothWays()
    {
        // Given a running container whose readiness depends on a file
        var app = Busybox("app", "sleep", "600") with
        {
            ReadinessProbe = new Probe { Exec = new ExecAction { Command = ["cat", "/tmp/ready"] }, PeriodSeconds = 1, FailureThreshold = 1 },
        };
        await _cluster.CreateAsync(NewPod("readiness", app));
        var running = await _cluster.WaitForPodAsync("readiness", p => App(p).State.Running is not null, "running");
        var exec = (IContainerExec)Runtime;
        Assert.That(running.IsReady(), Is.False);

        // When the file appears, then goes away
        await exec.ExecAsync(DockerId(App(running)), ["touch", "/tmp/ready"], TimeSpan.FromSeconds(10));
        await _cluster.WaitForPodAsync("readiness", p => p.IsReady(), "ready");
        await exec.ExecAsync(DockerId(App(running)), ["rm", "/tmp/ready"], TimeSpan.FromSeconds(10));

        // Then the pod follows, without restarting the container
        var pod = await _cluster.WaitForPodAsync("readiness", p => !p.IsReady(), "not ready again");
        Assert.That(App(pod).RestartCount, Is.Zero);
    }

    [TestCase("job-ok", "echo done", 0, "Completed", PodPhase.Succeeded, null)]
    [TestCase("job-bad", "echo 'bad input' > /dev/termination-log; exit 3", 3, "Error", PodPhase.Failed, "bad input\n")]
    public async Task Pod_RunToCompletion_ReportsPhaseExitCodeAndMessage(string name, string script, int exitCode, string reason, string phase, string? message)
    {
        var pod = NewPod(name, Busybox("app", "sh", "-c", script));
        await _cluster.CreateAsync(pod with { Spec = pod.Spec with { RestartPolicy = RestartPolicy.Never } });

        var done = await _cluster.WaitForPodAsync(name, p => p.IsTerminal(), "finished");

        var terminated = App(done).State.Terminated!;
        Assert.That(done.Status!.Phase, Is.EqualTo(phase));
        Assert.That((terminated.ExitCode, terminated.Reason, terminated.Message), Is.EqualTo((exitCode, reason, message)));
        Assert.That(App(done).RestartCount, Is.Zero);
    }

    [Test]
    public async Task Pod_MemoryLimitExceeded_IsReportedOOMKilled()
    {
        var hog = Busybox("app", "sh", "-c", "x=$(head -c 67108864 /dev/zero | tr '\\0' a)") with
        {
            Resources = new ResourceRequirements { Limits = new Dictionary<string, Quantity> { [ResourceName.Memory] = Quantity.Parse("16Mi") } },
        };
        var pod = NewPod("oom", hog);
        await _cluster.CreateAsync(pod with { Spec = pod.Spec with { RestartPolicy = RestartPolicy.Never } });

        var done = await _cluster.WaitForPodAsync("oom", p => p.IsTerminal(), "finished");

        Assert.That(App(done).State.Terminated?.Reason, Is.EqualTo("OOMKilled"));
        Assert.That(App(done).State.Terminated?.ExitCode, Is.EqualTo(137));
    }

    [Test]
    public async Task Pod_ContainerKilledFromOutside_IsNoticedAndRestarted()
    {
        // Given a running pod (and an agent that resynchronises only every 10 minutes)
        var running = await RunAsync(NewPod("killed", Busybox("app", "sleep", "600")));

        // When someone kills its container with the engine directly (docker kill)
        var watch = Stopwatch.StartNew();
        await _cluster.Nodes[0].Runtime.Client.KillContainerAsync(DockerId(App(running)), "SIGKILL");

        // Then the engine's event wakes the agent, which restarts it at once
        var pod = await _cluster.WaitForPodAsync("killed", p => App(p).RestartCount == 1 && App(p).State.Running is not null, "restarted");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
        Assert.That(App(pod).LastState?.Terminated?.ExitCode, Is.EqualTo(137));
    }

    [Test]
    public async Task Pod_Deleted_ContainerGetsSigtermThenThePodIsRemoved()
    {
        // Given a container that records SIGTERM in a host directory before it exits
        var signals = Path.Combine(_cluster.DataDirectory, "signals-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(signals);
        var app = Busybox("app", "sh", "-c", "trap 'echo TERM > /signals/received; exit 0' TERM; while :; do sleep 1; done") with
        {
            VolumeMounts = [new VolumeMount { Name = "signals", MountPath = "/signals" }],
        };
        var pod = NewPod("graceful", app);
        pod = pod with
        {
            Spec = pod.Spec with
            {
                TerminationGracePeriodSeconds = 30,
                Volumes = [new Volume { Name = "signals", HostPath = new HostPathVolumeSource { Path = signals } }],
            },
        };
        await RunAsync(pod);

        // When the pod is deleted
        var watch = Stopwatch.StartNew();
        await _cluster.DeleteAsync("graceful");
        await _cluster.WaitForPodDeletedAsync("graceful");

        // Then the container got SIGTERM and exited long before the grace period, and the pod is gone
        Assert.That((await File.ReadAllTextAsync(Path.Combine(signals, "received"))).Trim(), Is.EqualTo("TERM"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public async Task Pod_DeletedButIgnoresSigterm_IsKilledAfterTheGracePeriod()
    {
        var pod = NewPod("stubborn", Busybox("app", "sh", "-c", "trap '' TERM; while :; do sleep 1; done"));
        var running = await RunAsync(pod with { Spec = pod.Spec with { TerminationGracePeriodSeconds = 2 } });

        var watch = Stopwatch.StartNew();
        await _cluster.DeleteAsync("stubborn");
        await _cluster.WaitForPodDeletedAsync("stubborn");

        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.9)));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
        Assert.That(await Runtime.GetContainerStatusAsync(DockerId(App(running))), Is.Null, "the container was removed with the pod");
    }

    [Test]
    public async Task Pod_ConfigMapAndSecretVolumesAndEnv_AreVisibleInTheContainer()
    {
        // Given a ConfigMap and a Secret, mounted and referenced from the environment
        await _cluster.CreateObjectAsync(new ConfigMap
        {
            Metadata = new ObjectMeta { Name = "settings", Namespace = "default" },
            Data = new Dictionary<string, string> { ["color"] = "blue", ["app.conf"] = "level=debug\n" },
        });
        await _cluster.CreateObjectAsync(new Secret
        {
            Metadata = new ObjectMeta { Name = "credentials", Namespace = "default" },
            Data = new Dictionary<string, byte[]> { ["password"] = Encoding.UTF8.GetBytes("hunter2") },
        });
        var app = Busybox("app", "sleep", "600") with
        {
            Env =
            [
                new EnvVar { Name = "COLOR", ValueFrom = new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = "settings", Key = "color" } } },
                new EnvVar { Name = "PASSWORD", ValueFrom = new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = "credentials", Key = "password" } } },
            ],
            VolumeMounts =
            [
                new VolumeMount { Name = "config", MountPath = "/etc/app" },
                new VolumeMount { Name = "secret", MountPath = "/etc/secret", ReadOnly = true },
            ],
        };
        var pod = NewPod("configured", app);
        pod = pod with
        {
            Spec = pod.Spec with
            {
                Volumes =
                [
                    new Volume { Name = "config", ConfigMap = new ConfigMapVolumeSource { Name = "settings" } },
                    new Volume { Name = "secret", Secret = new SecretVolumeSource { SecretName = "credentials", DefaultMode = 256 } },
                ],
            },
        };

        // When it runs
        var running = await RunAsync(pod);
        var exec = (IContainerExec)Runtime;
        async Task<string> Run(params string[] command) =>
            (await exec.ExecAsync(DockerId(App(running)), command, TimeSpan.FromSeconds(10))).Stdout;

        // Then the files and variables are there, the secret file with its mode
        Assert.That(await Run("cat", "/etc/app/app.conf"), Is.EqualTo("level=debug\n"));
        Assert.That(await Run("cat", "/etc/secret/password"), Is.EqualTo("hunter2"));
        Assert.That((await Run("stat", "-L", "-c", "%a", "/etc/secret/password")).Trim(), Is.EqualTo("400"));
        Assert.That((await Run("sh", "-c", "echo $COLOR:$PASSWORD")).Trim(), Is.EqualTo("blue:hunter2"));
    }

    [Test]
    public async Task Pod_ImageMissingFromTheRegistry_WaitsWithErrImagePullThenImagePullBackOff()
    {
        var image = DockerTestEnvironment.RegistryAddress + "/orchestrator-test/absent:1.0";
        await _cluster.CreateAsync(NewPod("no-image", Busybox("app", "sleep", "600") with { Image = image }));

        var pulling = await _cluster.WaitForPodAsync("no-image", p => App(p).State.Waiting?.Reason == "ErrImagePull", "ErrImagePull");
        var backingOff = await _cluster.WaitForPodAsync("no-image", p => App(p).State.Waiting?.Reason == "ImagePullBackOff", "ImagePullBackOff");

        Assert.That(App(pulling).State.Waiting!.Message, Does.Contain(image).And.Contain("not found").IgnoreCase);
        Assert.That(App(backingOff).State.Waiting!.Message, Does.Contain(image));
    }

    [Test]
    public async Task Pod_LogsAndExec_GoThroughTheRuntime()
    {
        var running = await RunAsync(NewPod("chatty", Busybox("app", "sh", "-c", "echo hello; echo oops >&2; sleep 600")));
        var id = DockerId(App(running));

        var lines = new List<LogLine>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (lines.Count < 2 && DateTime.UtcNow < deadline)
        {
            lines.Clear();
            await foreach (var line in ((IContainerLogs)Runtime).ReadLogsAsync(id, LogOptions.All)) lines.Add(line);
        }
        var hostname = await ((IContainerExec)Runtime).ExecAsync(id, ["hostname"], TimeSpan.FromSeconds(10));

        Assert.That(lines.Select(l => (l.Stream, l.Text)), Is.EquivalentTo(new[] { (LogStream.Stdout, "hello"), (LogStream.Stderr, "oops") }));
        Assert.That(hostname.Stdout.Trim(), Is.EqualTo("chatty"));
    }

    private async Task<Pod> RunAsync(Pod pod)
    {
        await _cluster.CreateAsync(pod);
        return await _cluster.WaitForPodAsync(pod.Metadata.Name!, p => p.Status?.ContainerStatuses.All(s => s.State.Running is not null) == true &&
            p.Status.ContainerStatuses.Count == p.Spec.Containers.Count, "running");
    }
}
