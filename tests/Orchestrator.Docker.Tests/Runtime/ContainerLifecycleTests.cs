using System.Diagnostics;
using Orchestrator.Docker.Runtime;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Tests.Runtime;

/// <summary>Container states and exits on the real engine: exit codes, messages, OOM kills, start errors, stops.</summary>
public sealed class ContainerLifecycleTests : DockerRuntimeFixture
{
    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task GetContainerStatus_ProcessExits_ReportsExitCodeTimesAndTerminationMessage(CancellationToken ct)
    {
        // Given a container that writes a termination message and fails
        var sandbox = Sandbox("exits");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var id = await RunContainerAsync(sandboxId, Container(sandbox, "job", "sh", "-c", "echo 'disk full' > /dev/termination-log; exit 3"), ct);

        // When it has exited
        var status = await WaitForStatusAsync(id, s => s.State == RuntimeContainerState.Exited, "exited", ct);

        // Then its status carries the exit code, the message and the times, and no special reason
        Assert.That(status.ExitCode, Is.EqualTo(3));
        Assert.That(status.Reason, Is.Null);
        Assert.That(status.Message, Is.EqualTo("disk full\n"));
        Assert.That(status.StartedAt, Is.Not.Null);
        Assert.That(status.FinishedAt, Is.Not.Null);
        Assert.That(status.Image, Is.EqualTo(DockerTestEnvironment.BusyboxImage));
        Assert.That(status.ImageId, Does.StartWith("sha256:"));
        Assert.That(status.ContainerName, Is.EqualTo("job"));
        Assert.That(status.PodUid, Is.EqualTo(sandbox.PodUid));

        // And starting an exited container again is a no-op
        await Runtime.StartContainerAsync(id, ct);
        Assert.That((await Runtime.GetContainerStatusAsync(id, ct))!.State, Is.EqualTo(RuntimeContainerState.Exited));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task GetContainerStatus_MemoryLimitExceeded_ReportsOOMKilled(CancellationToken ct)
    {
        // Given a container limited to 16 MiB that builds a 64 MiB string
        var sandbox = Sandbox("oom");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var config = Container(sandbox, "hog", "sh", "-c", "x=$(head -c 67108864 /dev/zero | tr '\\0' a); echo survived") with
        {
            Resources = new ContainerResources(MemoryLimitBytes: 16 << 20),
        };

        // When it runs
        var id = await RunContainerAsync(sandboxId, config, ct);
        var status = await WaitForStatusAsync(id, s => s.State == RuntimeContainerState.Exited, "exited", ct);

        // Then the kernel killed it and the status says why
        Assert.That(status.Reason, Is.EqualTo(ContainerExitReasons.OOMKilled));
        Assert.That(status.ExitCode, Is.EqualTo(137));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task StartContainer_MissingExecutable_ThrowsAndReportsStartError(CancellationToken ct)
    {
        var sandbox = Sandbox("start-error");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var id = await Runtime.CreateContainerAsync(sandboxId, Container(sandbox, "broken", "/no/such/binary"), ct);

        var error = Assert.ThrowsAsync<ContainerRuntimeException>(async () => await Runtime.StartContainerAsync(id, ct));

        var status = await Runtime.GetContainerStatusAsync(id, ct);
        Assert.That(error!.Message, Does.Contain("/no/such/binary"));
        Assert.That(status!.State, Is.EqualTo(RuntimeContainerState.Exited));
        Assert.That(status.Reason, Is.EqualTo(ContainerExitReasons.StartError));
        Assert.That(status.ExitCode, Is.Not.Zero);
        Assert.That(status.Message, Does.Contain("/no/such/binary"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task StopContainer_ProcessHandlesSigterm_ExitsGracefullyBeforeTheGracePeriod(CancellationToken ct)
    {
        // Given a process that finishes cleanly on SIGTERM
        var sandbox = Sandbox("graceful");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var id = await RunContainerAsync(sandboxId,
            Container(sandbox, "app", "sh", "-c", "trap 'echo terminated > /dev/termination-log; exit 0' TERM; while :; do sleep 1; done"), ct);
        await WaitForStatusAsync(id, s => s.State == RuntimeContainerState.Running, "running", ct);

        // When stopped with a 20 s grace period
        var watch = Stopwatch.StartNew();
        await Runtime.StopContainerAsync(id, TimeSpan.FromSeconds(20), ct);

        // Then SIGTERM ended it well before the period
        var status = (await Runtime.GetContainerStatusAsync(id, ct))!;
        Assert.That(status.State, Is.EqualTo(RuntimeContainerState.Exited));
        Assert.That(status.ExitCode, Is.Zero);
        Assert.That(status.Message, Is.EqualTo("terminated\n"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task StopContainer_ProcessIgnoresSigterm_IsKilledAfterTheGracePeriod(CancellationToken ct)
    {
        // Given a process that ignores SIGTERM
        var sandbox = Sandbox("stubborn");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var id = await RunContainerAsync(sandboxId, Container(sandbox, "app", "sh", "-c", "trap '' TERM; while :; do sleep 1; done"), ct);
        await WaitForStatusAsync(id, s => s.State == RuntimeContainerState.Running, "running", ct);

        // When stopped with a 2 s grace period
        var watch = Stopwatch.StartNew();
        await Runtime.StopContainerAsync(id, TimeSpan.FromSeconds(2), ct);

        // Then it was killed once the period had passed, and stopping again is a no-op
        var status = (await Runtime.GetContainerStatusAsync(id, ct))!;
        Assert.That(status.ExitCode, Is.EqualTo(137));
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.9)));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
        await Runtime.StopContainerAsync(id, TimeSpan.FromSeconds(2), ct);
        await Runtime.StopContainerAsync("no-such-container", TimeSpan.Zero, ct);
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateContainer_ResourcesSecurityAndName_ReachTheEngine(CancellationToken ct)
    {
        // Given a container with requests, limits, a user and capabilities
        var sandbox = Sandbox("resources");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var config = Container(sandbox, "app", "sleep", "300") with
        {
            Resources = new ContainerResources(CpuRequestMillicores: 250, CpuLimitMillicores: 500, MemoryRequestBytes: 32 << 20, MemoryLimitBytes: 64 << 20),
            Security = new ContainerSecurity { RunAsUser = 65534, RunAsGroup = 65534, SupplementalGroups = [1234], DropCapabilities = ["NET_RAW"] },
            Env = [new ContainerEnvVar("A", "1"), new ContainerEnvVar("B", "2"), new ContainerEnvVar("A", "3")],
        };

        // When it is created and started
        var id = await RunContainerAsync(sandboxId, config, ct);
        var inspect = await Client.InspectContainerAsync(id, ct);

        // Then limits, requests, identity and namespaces are the engine's settings, and the name is readable
        var host = inspect.HostConfig!;
        Assert.That(host.NanoCpus, Is.EqualTo(500_000_000));
        Assert.That(host.CpuShares, Is.EqualTo(256));
        Assert.That(host.Memory, Is.EqualTo(64 << 20));
        Assert.That(host.MemorySwap, Is.EqualTo(64 << 20), "no swap beyond the limit");
        Assert.That(host.MemoryReservation, Is.EqualTo(32 << 20));
        Assert.That(host.NetworkMode, Is.EqualTo($"container:{sandboxId}"));
        Assert.That(host.IpcMode, Is.EqualTo($"container:{sandboxId}"));
        Assert.That(host.GroupAdd, Is.EqualTo(new[] { "1234" }));
        Assert.That(host.CapDrop, Is.EqualTo(new[] { "NET_RAW" }));
        Assert.That(inspect.Name, Is.EqualTo($"/k8s_app_resources_default_{sandbox.PodUid.Replace("-", "")[..8]}_0"));
        Assert.That((await ExecAsync(id, ct, "id", "-u")).Trim(), Is.EqualTo("65534"));
        Assert.That((await ExecAsync(id, ct, "sh", "-c", "echo $A$B")).Trim(), Is.EqualTo("32"), "a later variable of the same name wins");
        Assert.That(inspect.Config.Labels, Does.ContainKey(DockerLabels.ClusterId).WithValue(ClusterId));
        Assert.That(inspect.Config.Labels, Does.ContainKey(ContainerLabels.NodeName).WithValue(NodeName));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateContainer_CommandAndArgs_FollowKubernetesEntrypointRules(CancellationToken ct)
    {
        var sandbox = Sandbox("entrypoint");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);

        // command only: the image's CMD is not appended; args only: the image's entrypoint (none) runs the args
        var commandOnly = await RunContainerAsync(sandboxId, Container(sandbox, "a", "echo", "from-command"), ct);
        var argsOnly = await RunContainerAsync(sandboxId, Container(sandbox, "b") with { Args = ["echo", "from-args"] }, ct);
        var both = await RunContainerAsync(sandboxId, Container(sandbox, "c", "echo") with { Args = ["from", "both"] }, ct);

        foreach (var id in new[] { commandOnly, argsOnly, both })
        {
            await WaitForStatusAsync(id, s => s.State == RuntimeContainerState.Exited, "exited", ct);
        }
        async Task<string> Output(string id)
        {
            var lines = new List<string>();
            await foreach (var line in Runtime.ReadLogsAsync(id, LogOptions.All, ct)) lines.Add(line.Text);
            return string.Join("|", lines);
        }
        Assert.That(await Output(commandOnly), Is.EqualTo("from-command"));
        Assert.That(await Output(argsOnly), Is.EqualTo("from-args"));
        Assert.That(await Output(both), Is.EqualTo("from both"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task RemoveContainer_ExistingAndUnknown_IsIdempotent(CancellationToken ct)
    {
        var sandbox = Sandbox("remove");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var id = await RunContainerAsync(sandboxId, Container(sandbox, "app", "sleep", "300"), ct);

        await Runtime.RemoveContainerAsync(id, ct);
        await Runtime.RemoveContainerAsync(id, ct);

        Assert.That(await Runtime.GetContainerStatusAsync(id, ct), Is.Null);
        Assert.ThrowsAsync<ContainerRuntimeException>(async () => await Runtime.StartContainerAsync(id, ct));
    }
}
