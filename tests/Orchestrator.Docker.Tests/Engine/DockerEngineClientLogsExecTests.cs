using Orchestrator.Docker.Engine;

namespace Orchestrator.Docker.Tests.Engine;

/// <summary>Logs (multiplexed and TTY, follow, tail, timestamps) and exec against the real engine.</summary>
public sealed class DockerEngineClientLogsExecTests : EngineTestBase
{
    private async Task<List<DockerLogLine>> ReadLogsAsync(string id, ContainerLogsParameters parameters, CancellationToken ct)
    {
        var lines = new List<DockerLogLine>();
        await foreach (DockerLogLine line in Client.ReadContainerLogsAsync(id, parameters, ct))
            lines.Add(line);
        return lines;
    }

    private async Task<string> RunToCompletionAsync(ContainerCreateRequest request, CancellationToken ct)
    {
        string id = await RunAsync(request, ct);
        await Client.WaitContainerAsync(id, ct: ct);
        return id;
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ReadContainerLogsAsync_NoTty_DistinguishesStdoutFromStderr(CancellationToken ct)
    {
        string id = await RunToCompletionAsync(Busybox("sh", "-c", "echo out-1; echo err-1 >&2; echo out-2; printf 'err-2 no newline' >&2"), ct);

        List<DockerLogLine> lines = await ReadLogsAsync(id, new ContainerLogsParameters(), ct);

        Assert.That(lines.Where(l => l.Stream == DockerStreamKind.Stdout).Select(l => l.Text), Is.EqualTo(new[] { "out-1", "out-2" }));
        Assert.That(lines.Where(l => l.Stream == DockerStreamKind.Stderr).Select(l => l.Text), Is.EqualTo(new[] { "err-1", "err-2 no newline" }));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateContainerAsync_EntrypointAndCmd_RunsEntrypointWithCmdAsArguments(CancellationToken ct)
    {
        string id = await RunToCompletionAsync(Busybox("echo", "from-cmd") with { Entrypoint = ["sh", "-c", "echo entry $0 $1", "arg0"] }, ct);

        List<DockerLogLine> lines = await ReadLogsAsync(id, new ContainerLogsParameters(), ct);

        Assert.That(lines.Select(l => l.Text), Is.EqualTo(new[] { "entry arg0 echo" }));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ReadContainerLogsAsync_StderrOnly_OmitsStdout(CancellationToken ct)
    {
        string id = await RunToCompletionAsync(Busybox("sh", "-c", "echo out; echo err >&2"), ct);

        List<DockerLogLine> lines = await ReadLogsAsync(id, new ContainerLogsParameters { Stdout = false, Tty = false }, ct);

        Assert.That(lines, Is.EqualTo(new[] { new DockerLogLine(DockerStreamKind.Stderr, "err") }));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ReadContainerLogsAsync_Tail_ReturnsOnlyTheLastLines(CancellationToken ct)
    {
        string id = await RunToCompletionAsync(Busybox("sh", "-c", "for i in 1 2 3 4 5; do echo line-$i; done"), ct);

        List<DockerLogLine> lines = await ReadLogsAsync(id, new ContainerLogsParameters { Tail = 2 }, ct);

        Assert.That(lines.Select(l => l.Text), Is.EqualTo(new[] { "line-4", "line-5" }));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ReadContainerLogsAsync_TtyContainer_ReadsRawOutputAsStdout(CancellationToken ct)
    {
        string id = await RunToCompletionAsync(Busybox("sh", "-c", "echo to-out; echo to-err >&2") with { Tty = true }, ct);

        List<DockerLogLine> lines = await ReadLogsAsync(id, new ContainerLogsParameters(), ct);

        Assert.That(lines, Is.EqualTo(new[] { new DockerLogLine(DockerStreamKind.Stdout, "to-out"), new DockerLogLine(DockerStreamKind.Stdout, "to-err") }));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ReadContainerLogsAsync_Timestamps_ParsesEachLinesTimeWithinTheRun(CancellationToken ct)
    {
        string id = await RunToCompletionAsync(Busybox("sh", "-c", "echo a; echo b"), ct);
        ContainerInspectResponse inspect = await Client.InspectContainerAsync(id, ct);

        List<DockerLogLine> lines = await ReadLogsAsync(id, new ContainerLogsParameters { Timestamps = true }, ct);

        Assert.That(lines.Select(l => l.Text), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(lines.Select(l => l.Timestamp), Is.All.Not.Null);
        Assert.That(lines[0].Timestamp!.Value, Is.InRange(inspect.State.StartedAt!.Value.AddSeconds(-1), inspect.State.FinishedAt!.Value.AddSeconds(1)));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ReadContainerLogsAsync_Follow_StreamsNewLinesAndEndsWhenTheContainerExits(CancellationToken ct)
    {
        // Given a container that prints, waits for a file, then prints again
        string id = await RunAsync(Busybox("sh", "-c", "echo first; while [ ! -f /tmp/go ]; do sleep 0.1; done; echo second"), ct);
        var lines = new List<string>();

        // When following its logs, and releasing it only after the first line arrived
        await foreach (DockerLogLine line in Client.ReadContainerLogsAsync(id, new ContainerLogsParameters { Follow = true }, ct))
        {
            lines.Add(line.Text);
            if (line.Text == "first")
                await Client.ExecAsync(id, new ExecCreateRequest { Cmd = ["touch", "/tmp/go"] }, TimeSpan.FromSeconds(20), ct: ct);
        }

        // Then both lines arrived, and the stream ended by itself when the container exited
        Assert.That(lines, Is.EqualTo(new[] { "first", "second" }));
        Assert.That((await Client.InspectContainerAsync(id, ct)).State.Running, Is.False);
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public void ReadContainerLogsAsync_MissingContainer_ThrowsNotFound(CancellationToken ct) =>
        Assert.ThrowsAsync<DockerNotFoundException>(async () => await ReadLogsAsync("orch-test-no-such-container", new ContainerLogsParameters { Tty = false }, ct));

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ExecAsync_CommandWritesBothStreamsAndFails_ReturnsOutputAndExitCode(CancellationToken ct)
    {
        string id = await RunAsync(Busybox("sleep", "300"), ct);

        ExecResult result = await Client.ExecAsync(
            id,
            new ExecCreateRequest { Cmd = ["sh", "-c", "echo hello $WHO; pwd; echo oops >&2; exit 3"], Env = ["WHO=exec"], WorkingDir = "/var/www" },
            TimeSpan.FromSeconds(20),
            ct: ct);

        Assert.That(result, Is.EqualTo(new ExecResult(3, "hello exec\n/var/www\n", "oops\n", Truncated: false)));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ExecAsync_OutputOverLimit_KeepsTheLimitAndSaysTruncated(CancellationToken ct)
    {
        string id = await RunAsync(Busybox("sleep", "300"), ct);

        ExecResult result = await Client.ExecAsync(id, new ExecCreateRequest { Cmd = ["sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x"] }, TimeSpan.FromSeconds(20), maxOutputBytes: 1000, ct);

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Stdout, Is.EqualTo(new string('x', 1000)));
        Assert.That(result.Truncated, Is.True);
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ExecAsync_CommandOutlivesTimeout_ThrowsTimeoutException(CancellationToken ct)
    {
        string id = await RunAsync(Busybox("sleep", "300"), ct);

        var error = Assert.ThrowsAsync<TimeoutException>(() => Client.ExecAsync(id, new ExecCreateRequest { Cmd = ["sleep", "30"] }, TimeSpan.FromMilliseconds(500), ct: ct));

        Assert.That(error!.Message, Does.Contain(id).And.Contain("0.5 s"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ExecAsync_CallerCancels_ThrowsOperationCanceled(CancellationToken ct)
    {
        string id = await RunAsync(Busybox("sleep", "300"), ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));

        Assert.CatchAsync<OperationCanceledException>(() => Client.ExecAsync(id, new ExecCreateRequest { Cmd = ["sleep", "30"] }, timeout: null, ct: cts.Token));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ExecAsync_StoppedContainer_ThrowsConflict(CancellationToken ct)
    {
        string id = await Client.CreateContainerAsync(null, Busybox("true"), ct);

        var error = Assert.ThrowsAsync<DockerConflictException>(() => Client.ExecAsync(id, new ExecCreateRequest { Cmd = ["true"] }, ct: ct));

        Assert.That(error!.EngineMessage, Does.Contain("is not running"));
    }
}
