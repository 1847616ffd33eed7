using Orchestrator.Runtime;

namespace Orchestrator.Docker.Tests.Runtime;

/// <summary>The logs, exec and stats capabilities on the real engine.</summary>
public sealed class LogsExecStatsTests : DockerRuntimeFixture
{
    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ReadLogs_AllAndTail_ReturnLinesWithTheirStreams(CancellationToken ct)
    {
        // Given a container that wrote to stdout and stderr and exited
        var sandbox = Sandbox("logs");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var id = await RunContainerAsync(sandboxId, Container(sandbox, "app", "sh", "-c", "echo one; echo two >&2; echo three; echo four"), ct);
        await WaitForStatusAsync(id, s => s.State == RuntimeContainerState.Exited, "exited", ct);

        // When its log is read whole and as a tail
        var all = await ReadAsync(id, LogOptions.All, ct);
        var tail = await ReadAsync(id, new LogOptions { TailLines = 2 }, ct);

        // Then each stream's lines come in order (across streams the engine orders them as it read them), with their
        // times, and the tail is the end of the whole
        Assert.That(all.Where(l => l.Stream == LogStream.Stdout).Select(l => l.Text), Is.EqualTo(new[] { "one", "three", "four" }));
        Assert.That(all.Where(l => l.Stream == LogStream.Stderr).Select(l => l.Text), Is.EqualTo(new[] { "two" }));
        Assert.That(all[0].Timestamp, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
        Assert.That(tail, Is.EqualTo(all.TakeLast(2)));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ReadLogs_Follow_StreamsNewLinesUntilTheContainerExits(CancellationToken ct)
    {
        // Given a container that writes a line, waits, writes another and exits
        var sandbox = Sandbox("follow-exit");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var id = await RunContainerAsync(sandboxId, Container(sandbox, "app", "sh", "-c", "echo first; sleep 2; echo second"), ct);

        // When its log is followed from the start
        var followed = await ReadAsync(id, new LogOptions { Follow = true }, ct);

        // Then both lines arrive and the stream ends because the container exited
        Assert.That(followed.Select(l => l.Text), Is.EqualTo(new[] { "first", "second" }));
        Assert.That((await Runtime.GetContainerStatusAsync(id, ct))!.State, Is.EqualTo(RuntimeContainerState.Exited));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ReadLogs_FollowCancelled_EndsWithoutAnError(CancellationToken ct)
    {
        var sandbox = Sandbox("follow");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var id = await RunContainerAsync(sandboxId, Container(sandbox, "app", "sh", "-c", "echo ready; sleep 300"), ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var lines = new List<string>();
        await foreach (var line in Runtime.ReadLogsAsync(id, new LogOptions { Follow = true }, stop.Token))
        {
            lines.Add(line.Text);
            await stop.CancelAsync();
        }

        Assert.That(lines, Is.EqualTo(new[] { "ready" }));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ReadLogs_UnknownContainer_Throws(CancellationToken ct)
    {
        var error = Assert.ThrowsAsync<ContainerRuntimeException>(async () => await ReadAsync("no-such-container", LogOptions.All, ct));
        Assert.That(error!.Message, Does.Contain("does not exist"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task Exec_Commands_ReportOutputExitCodesTimeoutsAndFailures(CancellationToken ct)
    {
        // Given a running container
        var sandbox = Sandbox("exec");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var id = await RunContainerAsync(sandboxId, Container(sandbox, "app", "sleep", "300"), ct);

        // When commands run in it
        var ok = await Runtime.ExecAsync(id, ["sh", "-c", "echo out; echo err >&2; exit 4"], TimeSpan.FromSeconds(10), ct);
        var slow = await Runtime.ExecAsync(id, ["sleep", "30"], TimeSpan.FromMilliseconds(500), ct);
        var missing = Assert.ThrowsAsync<ContainerRuntimeException>(async () => await Runtime.ExecAsync(id, ["/no/such/tool"], TimeSpan.FromSeconds(10), ct));
        await Runtime.StopContainerAsync(id, TimeSpan.Zero, ct);
        var stopped = Assert.ThrowsAsync<ContainerRuntimeException>(async () => await Runtime.ExecAsync(id, ["true"], TimeSpan.FromSeconds(10), ct));

        // Then output and exit codes come back, a timeout is reported as such, and what cannot run throws
        Assert.That((ok.ExitCode, ok.Stdout, ok.Stderr, ok.TimedOut), Is.EqualTo((4, "out\n", "err\n", false)));
        Assert.That((slow.TimedOut, slow.ExitCode), Is.EqualTo((true, -1)));
        Assert.That(missing!.Message, Does.Contain("/no/such/tool"));
        Assert.That(stopped!.Message, Does.Contain("not running"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task GetStats_BusyContainer_ReportsCpuRateAndMemory(CancellationToken ct)
    {
        // Given a container spinning on one core, limited to half of one
        var sandbox = Sandbox("busy");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var id = await RunContainerAsync(sandboxId, Container(sandbox, "app", "sh", "-c", "while :; do :; done") with
        {
            Resources = new ContainerResources(CpuLimitMillicores: 500),
        }, ct);

        // When its usage is read twice
        var first = await Runtime.GetStatsAsync(id, ct);
        await Task.Delay(500, ct); // CPU time must accumulate on the wall clock between two readings
        var second = await Runtime.GetStatsAsync(id, ct);
        await Runtime.StopContainerAsync(id, TimeSpan.Zero, ct);

        // Then it uses CPU up to its limit (less when the machine is busy) and some memory; a stopped or unknown container
        // has no stats
        Assert.That(first!.CpuNanoCores, Is.InRange(10_000_000, 650_000_000));
        Assert.That(second!.CpuNanoCores, Is.InRange(10_000_000, 650_000_000));
        Assert.That(second.MemoryWorkingSetBytes, Is.GreaterThan(0));
        Assert.That(await Runtime.GetStatsAsync(id, ct), Is.Null);
        Assert.That(await Runtime.GetStatsAsync("no-such-container", ct), Is.Null);
    }

    private async Task<List<LogLine>> ReadAsync(string id, LogOptions options, CancellationToken ct)
    {
        var lines = new List<LogLine>();
        await foreach (var line in Runtime.ReadLogsAsync(id, options, ct)) lines.Add(line);
        return lines;
    }
}
