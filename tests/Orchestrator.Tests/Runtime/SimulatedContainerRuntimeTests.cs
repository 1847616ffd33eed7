using System.Collections.Immutable;
using System.Text;
using Orchestrator.Runtime;
using Orchestrator.Runtime.Simulated;
using Orchestrator.Tests.Testing;

namespace Orchestrator.Tests.Runtime;

[TestFixture]
[CancelAfter(10_000)]
public sealed class SimulatedContainerRuntimeTests
{
    private FakeTimeProvider _time = null!;
    private SimulatedContainerRuntime _runtime = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _runtime = new SimulatedContainerRuntime(new SimulatedRuntimeOptions { PreloadedImages = ["busybox:1.36"] }, _time);
    }

    private static PodSandboxConfig Sandbox(params (string Key, string Value)[] annotations) => new()
    {
        PodName = "web",
        PodNamespace = "default",
        PodUid = "uid-1",
        Hostname = "web",
        Labels = ImmutableDictionary<string, string>.Empty.Add(ContainerLabels.PodUid, "uid-1").Add(ContainerLabels.NodeName, "node-1"),
        Annotations = annotations.ToImmutableDictionary(a => SimulatedAnnotations.Prefix + a.Key, a => a.Value),
        Volumes =
        [
            new RuntimeVolume
            {
                Name = "config",
                Kind = RuntimeVolumeKind.Files,
                Files = [new VolumeFile("app.conf", Encoding.UTF8.GetBytes("debug=true"), 420)],
            },
        ],
    };

    private static ContainerConfig Container(string name = "app", long? memoryLimit = null) => new()
    {
        Name = name,
        Image = "busybox:1.36",
        Env = [new ContainerEnvVar("GREETING", "hello"), new ContainerEnvVar("PASSWORD", "s3cret", Sensitive: true)],
        Mounts = [new ContainerMount("config", "/etc/app")],
        Resources = new ContainerResources(MemoryLimitBytes: memoryLimit),
        Labels = ImmutableDictionary<string, string>.Empty
            .Add(ContainerLabels.PodUid, "uid-1").Add(ContainerLabels.ContainerName, name).Add(ContainerLabels.RestartCount, "0"),
    };

    private async Task<string> RunAsync(PodSandboxConfig sandbox, ContainerConfig? container = null)
    {
        var sandboxId = await _runtime.CreateSandboxAsync(sandbox);
        var id = await _runtime.CreateContainerAsync(sandboxId, container ?? Container());
        await _runtime.StartContainerAsync(id);
        return id;
    }

    [Test]
    public async Task StartContainerAsync_DefaultBehaviour_RunsUntilStopped()
    {
        var id = await RunAsync(Sandbox());

        _time.Advance(TimeSpan.FromHours(1));
        var running = await _runtime.GetContainerStatusAsync(id);
        await _runtime.StopContainerAsync(id, TimeSpan.FromSeconds(30));
        var stopped = await _runtime.GetContainerStatusAsync(id);

        Assert.That(running!.State, Is.EqualTo(RuntimeContainerState.Running));
        Assert.That(running.StartedAt, Is.EqualTo(_time.GetUtcNow() - TimeSpan.FromHours(1)));
        Assert.That(stopped!.State, Is.EqualTo(RuntimeContainerState.Exited));
        Assert.That(stopped.ExitCode, Is.EqualTo(0));
    }

    [Test]
    public async Task StartContainerAsync_ExitAfter_ExitsWithConfiguredCodeAtThatTime()
    {
        var id = await RunAsync(Sandbox(("exit-after", "5s"), ("exit-code", "3")));

        _time.Advance(TimeSpan.FromSeconds(4.9));
        var before = await _runtime.GetContainerStatusAsync(id);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        var after = await _runtime.GetContainerStatusAsync(id);

        Assert.That(before!.State, Is.EqualTo(RuntimeContainerState.Running));
        Assert.That(after!.State, Is.EqualTo(RuntimeContainerState.Exited));
        Assert.That(after.ExitCode, Is.EqualTo(3));
        Assert.That(after.FinishedAt - after.StartedAt, Is.EqualTo(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task StartContainerAsync_StartDelay_CompletesOnlyAfterTheDelay()
    {
        var sandboxId = await _runtime.CreateSandboxAsync(Sandbox(("start-delay", "2s")));
        var id = await _runtime.CreateContainerAsync(sandboxId, Container());

        var start = _runtime.StartContainerAsync(id).AsTask();
        Assert.That(start.IsCompleted, Is.False);
        Assert.That((await _runtime.GetContainerStatusAsync(id))!.State, Is.EqualTo(RuntimeContainerState.Created));
        _time.Advance(TimeSpan.FromSeconds(2));
        await start;

        Assert.That((await _runtime.GetContainerStatusAsync(id))!.State, Is.EqualTo(RuntimeContainerState.Running));
    }

    [Test]
    public async Task StartContainerAsync_MemoryUsageAboveLimit_IsOomKilled()
    {
        var id = await RunAsync(Sandbox(("memory-usage", "128Mi")), Container(memoryLimit: 64L << 20));

        var status = await _runtime.GetContainerStatusAsync(id);

        Assert.That(status!.State, Is.EqualTo(RuntimeContainerState.Exited));
        Assert.That(status.ExitCode, Is.EqualTo(137));
        Assert.That(status.Reason, Is.EqualTo(ContainerExitReasons.OOMKilled));
    }

    [Test]
    public async Task StartContainerAsync_StartError_ThrowsAndReportsStartError()
    {
        var sandboxId = await _runtime.CreateSandboxAsync(Sandbox(("start-error", "exec: \"run\": not found")));
        var id = await _runtime.CreateContainerAsync(sandboxId, Container());

        var error = Assert.ThrowsAsync<ContainerRuntimeException>(async () => await _runtime.StartContainerAsync(id));
        var status = await _runtime.GetContainerStatusAsync(id);

        Assert.That(error!.Message, Does.Contain("not found"));
        Assert.That((status!.State, status.ExitCode, status.Reason), Is.EqualTo((RuntimeContainerState.Exited, (int?)128, ContainerExitReasons.StartError)));
    }

    [Test]
    public async Task CreateContainerAsync_InvalidAnnotation_FailsNamingIt()
    {
        var sandboxId = await _runtime.CreateSandboxAsync(Sandbox(("exit-after", "later")));

        var error = Assert.ThrowsAsync<ContainerRuntimeException>(async () => await _runtime.CreateContainerAsync(sandboxId, Container()));

        Assert.That(error!.Message, Does.Contain("sim.orchestrator.io/exit-after"));
    }

    [Test]
    public async Task CreateContainerAsync_ImageNotPresent_Fails()
    {
        var sandboxId = await _runtime.CreateSandboxAsync(Sandbox());

        Assert.ThrowsAsync<ContainerRuntimeException>(async () =>
            await _runtime.CreateContainerAsync(sandboxId, Container() with { Image = "nginx:1.27" }));
    }

    [Test]
    public async Task StopContainerAsync_StopDelayLongerThanGrace_KillsAtTheEndOfTheGracePeriod()
    {
        var id = await RunAsync(Sandbox(("stop-delay", "60s")));

        var stop = _runtime.StopContainerAsync(id, TimeSpan.FromSeconds(10)).AsTask();
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.That(stop.IsCompleted, Is.False);
        _time.Advance(TimeSpan.FromSeconds(1));
        await stop;

        var status = await _runtime.GetContainerStatusAsync(id);
        Assert.That(status!.ExitCode, Is.EqualTo(137));
        Assert.That(status.FinishedAt - status.StartedAt, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task StopContainerAsync_StopDelayWithinGrace_ExitsGracefully()
    {
        var id = await RunAsync(Sandbox(("stop-delay", "3s")));

        var stop = _runtime.StopContainerAsync(id, TimeSpan.FromSeconds(10)).AsTask();
        _time.Advance(TimeSpan.FromSeconds(3));
        await stop;

        Assert.That((await _runtime.GetContainerStatusAsync(id))!.ExitCode, Is.EqualTo(0));
    }

    [Test]
    public async Task ListContainersAsync_LabelFilter_ReturnsOnlyMatches()
    {
        var sandboxId = await _runtime.CreateSandboxAsync(Sandbox());
        await _runtime.CreateContainerAsync(sandboxId, Container("a"));
        await _runtime.CreateContainerAsync(sandboxId, Container("b"));

        var all = await _runtime.ListContainersAsync();
        var onlyB = await _runtime.ListContainersAsync(new Dictionary<string, string> { [ContainerLabels.ContainerName] = "b" });
        var none = await _runtime.ListContainersAsync(new Dictionary<string, string> { [ContainerLabels.PodUid] = "other" });

        Assert.That(all.Select(c => c.ContainerName), Is.EquivalentTo(new[] { "a", "b" }));
        Assert.That(onlyB.Select(c => c.ContainerName), Is.EqualTo(new[] { "b" }));
        Assert.That(none, Is.Empty);
    }

    [Test]
    public async Task RemoveSandboxAsync_WithContainers_RemovesThemAndIsIdempotent()
    {
        var id = await RunAsync(Sandbox());
        var sandboxId = (await _runtime.GetContainerStatusAsync(id))!.SandboxId;

        await _runtime.RemoveSandboxAsync(sandboxId);
        await _runtime.RemoveSandboxAsync(sandboxId);

        Assert.That(await _runtime.GetContainerStatusAsync(id), Is.Null);
        Assert.That(await _runtime.ListSandboxesAsync(), Is.Empty);
    }

    [Test]
    public async Task StopSandboxAsync_RunningContainer_KillsItAndMarksSandboxNotReady()
    {
        var id = await RunAsync(Sandbox());
        var sandboxId = (await _runtime.GetContainerStatusAsync(id))!.SandboxId;

        await _runtime.StopSandboxAsync(sandboxId);

        Assert.That((await _runtime.GetContainerStatusAsync(id))!.ExitCode, Is.EqualTo(137));
        Assert.That((await _runtime.ListSandboxesAsync()).Single().State, Is.EqualTo(RuntimeSandboxState.NotReady));
        Assert.ThrowsAsync<ContainerRuntimeException>(async () => await _runtime.CreateContainerAsync(sandboxId, Container()));
    }

    [TestCase(ProbeKind.Readiness, "fail-readiness", true)]
    [TestCase(ProbeKind.Liveness, "fail-liveness", true)]
    [TestCase(ProbeKind.Startup, "fail-startup", true)]
    [TestCase(ProbeKind.Readiness, "fail-liveness", false)]
    public async Task ProbeAsync_FailureAnnotation_FailsOnlyThatProbe(ProbeKind kind, string annotation, bool fails)
    {
        var id = await RunAsync(Sandbox((annotation, "true")));

        var result = await _runtime.ProbeAsync(id, new ProbeRequest { Kind = kind, Timeout = TimeSpan.FromSeconds(1), TcpHost = "10.0.0.1", TcpPort = 80 });

        Assert.That(result.Success, Is.EqualTo(!fails));
    }

    [Test]
    public async Task ProbeAsync_ReadyAfterAndLivenessFailAfter_FollowUptime()
    {
        var id = await RunAsync(Sandbox(("ready-after", "10s"), ("liveness-fail-after", "30s")));
        var readiness = new ProbeRequest { Kind = ProbeKind.Readiness, Timeout = TimeSpan.FromSeconds(1), ExecCommand = ["true"] };
        var liveness = readiness with { Kind = ProbeKind.Liveness };

        var early = (await _runtime.ProbeAsync(id, readiness)).Success;
        _time.Advance(TimeSpan.FromSeconds(10));
        var warm = (await _runtime.ProbeAsync(id, readiness)).Success;
        var alive = (await _runtime.ProbeAsync(id, liveness)).Success;
        _time.Advance(TimeSpan.FromSeconds(20));
        var hung = (await _runtime.ProbeAsync(id, liveness)).Success;

        Assert.That((early, warm, alive, hung), Is.EqualTo((false, true, true, false)));
    }

    [Test]
    public async Task UpdateBehavior_LiveContainer_ChangesProbesAndStats()
    {
        var id = await RunAsync(Sandbox(("cpu-usage", "100m")));
        var probe = new ProbeRequest { Kind = ProbeKind.Readiness, Timeout = TimeSpan.FromSeconds(1), ExecCommand = ["true"] };

        var before = await _runtime.GetStatsAsync(id);
        _runtime.UpdateBehavior(id, b => b with { FailReadiness = true, CpuMillicores = 900, MemoryBytes = 1 << 20 });
        var after = await _runtime.GetStatsAsync(id);
        var ready = await _runtime.ProbeAsync(id, probe);

        Assert.That(before!.CpuNanoCores, Is.EqualTo(100_000_000));
        Assert.That((after!.CpuNanoCores, after.MemoryWorkingSetBytes), Is.EqualTo((900_000_000L, 1L << 20)));
        Assert.That(ready.Success, Is.False);
    }

    [Test]
    public async Task ExecAsync_SupportedCommands_ReadEnvironmentAndVolumeFiles()
    {
        var id = await RunAsync(Sandbox());

        var env = await _runtime.ExecAsync(id, ["printenv", "GREETING"], TimeSpan.FromSeconds(1));
        var file = await _runtime.ExecAsync(id, ["cat", "/etc/app/app.conf"], TimeSpan.FromSeconds(1));
        var missing = await _runtime.ExecAsync(id, ["cat", "/etc/app/nope"], TimeSpan.FromSeconds(1));
        var fails = await _runtime.ExecAsync(id, ["false"], TimeSpan.FromSeconds(1));

        Assert.That((env.ExitCode, env.Stdout), Is.EqualTo((0, "hello\n")));
        Assert.That((file.ExitCode, file.Stdout), Is.EqualTo((0, "debug=true")));
        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(fails.ExitCode, Is.EqualTo(1));
    }

    [Test]
    public async Task ExecAsync_SleepLongerThanTimeout_TimesOut()
    {
        var id = await RunAsync(Sandbox());

        var exec = _runtime.ExecAsync(id, ["sleep", "10"], TimeSpan.FromSeconds(2)).AsTask();
        _time.Advance(TimeSpan.FromSeconds(2));
        var result = await exec;

        Assert.That(result.TimedOut, Is.True);
    }

    [Test]
    public async Task ReadLogsAsync_Follow_StreamsNewLinesUntilExit()
    {
        var id = await RunAsync(Sandbox(("logs", "starting\nlistening")));
        var lines = new List<string>();

        var reader = Task.Run(async () =>
        {
            await foreach (var line in _runtime.ReadLogsAsync(id, new LogOptions { Follow = true })) lines.Add(line.Text);
        });
        _runtime.WriteLog(id, "request served");
        _runtime.SimulateExit(id, 0);
        await reader.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That(lines, Is.EqualTo(new[] { "starting", "listening", "request served" }));
        var tail = new List<string>();
        await foreach (var line in _runtime.ReadLogsAsync(id, new LogOptions { TailLines = 1 })) tail.Add(line.Text);
        Assert.That(tail, Is.EqualTo(new[] { "request served" }));
    }

    [Test]
    public async Task WatchAsync_ContainerExits_DeliversExitedEventWithLabels()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var events = new List<ContainerEvent>();
        var exited = new TaskCompletionSource();
        var watcher = Task.Run(async () =>
        {
            await foreach (var e in _runtime.WatchAsync(cts.Token))
            {
                events.Add(e);
                if (e.Type == ContainerEventType.Exited) exited.TrySetResult();
            }
        });
        await Task.Yield();
        await TestWait.UntilAsync(() => _runtime.SubscriberCount == 1);

        var id = await RunAsync(Sandbox(("exit-after", "1s")));
        _time.Advance(TimeSpan.FromSeconds(1));
        await exited.Task.WaitAsync(cts.Token);
        await cts.CancelAsync();
        await watcher;

        Assert.That(events.Select(e => e.Type), Is.EqualTo(new[] { ContainerEventType.Created, ContainerEventType.Started, ContainerEventType.Exited }));
        Assert.That(events.All(e => e.ContainerId == id && e.PodUid == "uid-1"), Is.True);
    }

    [Test]
    public async Task PullImageAsync_InvalidMarkerOrAnnotation_Fails_OtherwiseImageBecomesPresent()
    {
        var sandbox = Sandbox();

        Assert.ThrowsAsync<ImagePullException>(async () => await _runtime.PullImageAsync(new ImagePullRequest { Image = "invalid/app:1" }));
        Assert.ThrowsAsync<ImagePullException>(async () => await _runtime.PullImageAsync(new ImagePullRequest
        {
            Image = "nginx:1.27",
            Sandbox = Sandbox(("pull-error", "registry unavailable")),
        }));
        var pulled = await _runtime.PullImageAsync(new ImagePullRequest { Image = "nginx", Sandbox = sandbox });

        Assert.That(pulled.Names, Is.EqualTo(new[] { "nginx:latest" }));
        Assert.That(await _runtime.GetImageAsync("nginx:latest"), Is.Not.Null);
        Assert.That(await _runtime.GetImageAsync("nginx:1.27"), Is.Null);
    }

    [Test]
    public async Task Behavior_ResolverDelegate_OverridesAnnotations()
    {
        var runtime = new SimulatedContainerRuntime(new SimulatedRuntimeOptions
        {
            PreloadedImages = ["busybox:1.36"],
            Behavior = context => context.Container?.Name == "worker" ? context.FromAnnotations with { ExitAfter = TimeSpan.Zero, ExitCode = 9 } : context.FromAnnotations,
        }, _time);
        var sandboxId = await runtime.CreateSandboxAsync(Sandbox());
        var worker = await runtime.CreateContainerAsync(sandboxId, Container("worker"));
        var web = await runtime.CreateContainerAsync(sandboxId, Container("web"));

        await runtime.StartContainerAsync(worker);
        await runtime.StartContainerAsync(web);

        Assert.That((await runtime.GetContainerStatusAsync(worker))!.ExitCode, Is.EqualTo(9));
        Assert.That((await runtime.GetContainerStatusAsync(web))!.State, Is.EqualTo(RuntimeContainerState.Running));
    }

    [Test]
    public void ContainerConfig_ToString_NeverPrintsSecretValues()
    {
        var config = Container();

        Assert.That(config.ToString(), Does.Not.Contain("s3cret"));
        Assert.That(config.Env[1].ToString(), Does.Not.Contain("s3cret"));
        Assert.That(new VolumeFile("token", Encoding.UTF8.GetBytes("s3cret"), 384).ToString(), Does.Not.Contain("s3cret"));
    }
}

/// <summary>Bounded polling for conditions that have no change signal.</summary>
internal static class TestWait
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("Timed out waiting for a condition");
            await Task.Delay(1);
        }
    }
}
