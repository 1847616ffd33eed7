using System.Text;
using Orchestrator.Docker.Runtime;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Tests.Runtime;

/// <summary>Pod volumes on the real engine: host directories bind-mounted into the containers of a sandbox.</summary>
public sealed class VolumeTests : DockerRuntimeFixture
{
    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateSandbox_ConfigMapAndSecretVolumes_AreVisibleWithTheirModesAndReadOnly(CancellationToken ct)
    {
        // Given a ConfigMap volume (0644 and an 0755 script) and a Secret volume (0600)
        var configMap = new RuntimeVolume
        {
            Name = "config",
            Kind = RuntimeVolumeKind.Files,
            ReadOnly = true,
            Files =
            [
                new VolumeFile("app.properties", Encoding.UTF8.GetBytes("color=blue\n"), 420),
                new VolumeFile("bin/run.sh", Encoding.UTF8.GetBytes("echo run\n"), 493),
            ],
        };
        var secret = new RuntimeVolume
        {
            Name = "credentials",
            Kind = RuntimeVolumeKind.Files,
            Sensitive = true,
            ReadOnly = true,
            Files = [new VolumeFile("password", Encoding.UTF8.GetBytes("s3cr3t"), 384)],
        };
        var sandbox = Sandbox("files", configMap, secret);
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var config = Container(sandbox, "app", "sleep", "300") with
        {
            Mounts =
            [
                new ContainerMount("config", "/etc/config"),
                new ContainerMount("credentials", "/etc/secret"),
                new ContainerMount("config", "/etc/app.properties", SubPath: "app.properties"),
            ],
            Env = [new ContainerEnvVar("PASSWORD", "from-env", Sensitive: true)],
        };

        // When a container mounts them
        var id = await RunContainerAsync(sandboxId, config, ct);

        // Then it reads the contents with the right modes, cannot write, and sees its environment
        Assert.That(await ExecAsync(id, ct, "cat", "/etc/config/app.properties"), Is.EqualTo("color=blue\n"));
        Assert.That(await ExecAsync(id, ct, "cat", "/etc/app.properties"), Is.EqualTo("color=blue\n"), "a subPath mounts one file");
        Assert.That(await ExecAsync(id, ct, "sh", "/etc/config/bin/run.sh"), Is.EqualTo("run\n"));
        Assert.That(await ExecAsync(id, ct, "cat", "/etc/secret/password"), Is.EqualTo("s3cr3t"));
        Assert.That((await ExecAsync(id, ct, "stat", "-c", "%a", "/etc/config/app.properties", "/etc/config/bin/run.sh", "/etc/secret/password")).Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[] { "644", "755", "600" }));
        var write = await Runtime.ExecAsync(id, ["touch", "/etc/secret/other"], TimeSpan.FromSeconds(10), ct);
        Assert.That(write.ExitCode, Is.Not.Zero, "file volumes are read-only");
        Assert.That((await ExecAsync(id, ct, "sh", "-c", "echo $PASSWORD")).Trim(), Is.EqualTo("from-env"));

        // And the secret lives under the memory directory, in a directory only its owner can enter
        var labels = (await Client.InspectContainerAsync(sandboxId, ct)).Config.Labels!;
        var memoryDirectory = labels[DockerLabels.SandboxMemoryDirectory];
        Assert.That(File.Exists(Path.Combine(memoryDirectory, "volumes", "credentials", "password")), Is.True);
        if (!OperatingSystem.IsWindows()) Assert.That(File.GetUnixFileMode(memoryDirectory), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.That(labels[DockerLabels.Volumes], Does.Not.Contain("s3cr3t"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateSandbox_EmptyDirSharedByTwoContainers_SurvivesRestartsAndIsRemovedWithTheSandbox(CancellationToken ct)
    {
        // Given an emptyDir mounted by a writer and a reader
        var sandbox = Sandbox("scratch", new RuntimeVolume { Name = "cache", Kind = RuntimeVolumeKind.EmptyDir });
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var writer = await RunContainerAsync(sandboxId,
            Container(sandbox, "writer", "sh", "-c", "echo hello > /cache/greeting") with { Mounts = [new ContainerMount("cache", "/cache")] }, ct);
        await WaitForStatusAsync(writer, s => s.State == RuntimeContainerState.Exited, "exited", ct);

        // When another container mounts it (read-only, as a subdirectory)
        var reader = await RunContainerAsync(sandboxId,
            Container(sandbox, "reader", "sleep", "300") with
            {
                Mounts = [new ContainerMount("cache", "/data", ReadOnly: true), new ContainerMount("cache", "/logs", SubPath: "logs")],
            }, ct);

        // Then it sees what the first one wrote, may not write to the read-only mount, and the subPath was created
        Assert.That(await ExecAsync(reader, ct, "cat", "/data/greeting"), Is.EqualTo("hello\n"));
        Assert.That((await Runtime.ExecAsync(reader, ["touch", "/data/x"], TimeSpan.FromSeconds(10), ct)).ExitCode, Is.Not.Zero);
        await ExecAsync(reader, ct, "touch", "/logs/app.log");
        Assert.That(await ExecAsync(reader, ct, "ls", "/data/logs"), Is.EqualTo("app.log\n"));

        // And removing the sandbox removes the directory
        var directory = (await Client.InspectContainerAsync(sandboxId, ct)).Config.Labels![DockerLabels.SandboxDirectory];
        await Runtime.RemoveSandboxAsync(sandboxId, ct);
        Assert.That(Directory.Exists(directory), Is.False);
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateSandbox_HostPathAndPersistentVolumes_AreBoundAndOutliveTheSandbox(CancellationToken ct)
    {
        // Given a hostPath directory with a file and a persistent volume that does not exist yet
        var hostDirectory = Path.Combine(DataDirectory, "host-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(hostDirectory);
        await File.WriteAllTextAsync(Path.Combine(hostDirectory, "motd"), "from the host", ct);
        var persistent = Path.Combine(DataDirectory, "pv-" + Guid.NewGuid().ToString("N")[..6]);
        var sandbox = Sandbox("host",
            new RuntimeVolume { Name = "host", Kind = RuntimeVolumeKind.HostPath, HostPath = hostDirectory, HostPathType = "Directory" },
            new RuntimeVolume { Name = "data", Kind = RuntimeVolumeKind.Persistent, HostPath = persistent });
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);

        // When a container reads one and writes the other
        var id = await RunContainerAsync(sandboxId, Container(sandbox, "app", "sh", "-c", "cat /host/motd > /data/copy") with
        {
            Mounts = [new ContainerMount("host", "/host", ReadOnly: true), new ContainerMount("data", "/data")],
        }, ct);
        await WaitForStatusAsync(id, s => s.State == RuntimeContainerState.Exited, "exited", ct);
        await Runtime.RemoveSandboxAsync(sandboxId, ct);

        // Then the data is on the host and stays after the sandbox is gone
        Assert.That(await File.ReadAllTextAsync(Path.Combine(persistent, "copy"), ct), Is.EqualTo("from the host"));
        Assert.That(File.Exists(Path.Combine(hostDirectory, "motd")), Is.True);
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public void CreateSandbox_HostPathTypeCheckFails_ThrowsAndLeavesNothing(CancellationToken ct)
    {
        var missing = Path.Combine(DataDirectory, "missing-" + Guid.NewGuid().ToString("N")[..6]);
        var sandbox = Sandbox("bad-host", new RuntimeVolume { Name = "host", Kind = RuntimeVolumeKind.HostPath, HostPath = missing, HostPathType = "Directory" });

        var error = Assert.ThrowsAsync<ContainerRuntimeException>(async () => await Runtime.CreateSandboxAsync(sandbox, ct));

        Assert.That(error!.Message, Does.Contain("hostPath type check failed"));
        Assert.That(Directory.Exists(missing), Is.False);
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateContainer_SubPathLeavingTheVolume_IsRejected(CancellationToken ct)
    {
        var sandbox = Sandbox("escape", new RuntimeVolume { Name = "cache", Kind = RuntimeVolumeKind.EmptyDir });
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);

        var error = Assert.ThrowsAsync<ContainerRuntimeException>(async () => await Runtime.CreateContainerAsync(sandboxId,
            Container(sandbox, "app", "true") with { Mounts = [new ContainerMount("cache", "/x", SubPath: "../../etc")] }, ct));

        Assert.That(error!.Message, Does.Contain("subPath"));
    }
}
