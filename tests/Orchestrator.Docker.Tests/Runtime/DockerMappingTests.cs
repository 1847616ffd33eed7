using System.Text;
using Orchestrator.Docker.Engine;
using Orchestrator.Docker.Runtime;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Tests.Runtime;

/// <summary>The Docker runtime's translations, without an engine: names, environment, resources, states, events, directories.</summary>
public sealed class DockerMappingTests
{
    [TestCase("web", "shop", "0f3c9a2e-1111-2222-3333-444444444444", 3, "k8s_web_api-0_shop_0f3c9a2e_3")]
    [TestCase("side_car", "a.b", "abc", 0, "k8s_side-car_api-0_a.b_abc_0")]
    public void Container_Names_FollowTheDockershimScheme(string container, string ns, string uid, int restart, string expected) =>
        Assert.That(DockerNames.Container(container, "api-0", ns, uid, restart), Is.EqualTo(expected));

    [Test]
    public void Sandbox_Name_UsesPOD() =>
        Assert.That(DockerNames.Sandbox("api-0", "shop", "0f3c9a2e-1111", 1), Is.EqualTo("k8s_POD_api-0_shop_0f3c9a2e_1"));

    [Test]
    public void Environment_RepeatedName_LaterValueWinsInItsPlace() =>
        Assert.That(DockerContainerRuntime.Environment(
        [
            new ContainerEnvVar("A", "1"), new ContainerEnvVar("B", "2"), new ContainerEnvVar("A", "3"), new ContainerEnvVar("C", "x=y"),
        ]), Is.EqualTo(new[] { "B=2", "A=3", "C=x=y" }));

    [TestCase(1, 2)]
    [TestCase(100, 102)]
    [TestCase(1000, 1024)]
    [TestCase(2500, 2560)]
    public void CpuShares_MilliCpu_MatchesTheKubelet(long milli, long shares) =>
        Assert.That(DockerContainerRuntime.CpuShares(milli), Is.EqualTo(shares));

    [TestCase("x86_64", "amd64")]
    [TestCase("aarch64", "arm64")]
    [TestCase("armv7l", "arm")]
    [TestCase("s390x", "s390x")]
    [TestCase(null, "amd64")]
    public void Architecture_UnameMachine_IsGoArch(string? machine, string expected) =>
        Assert.That(DockerContainerRuntime.Architecture(machine), Is.EqualTo(expected));

    [Test]
    public void Describe_EngineInfo_GivesCapacityAndPlatform()
    {
        var info = DockerContainerRuntime.Describe(
            new DockerInfoResponse { NCPU = 8, MemTotal = 16L << 30, ServerVersion = "27.3.1", OSType = "linux", Architecture = "aarch64", KernelVersion = "6.1" },
            "27.3.1", 110);

        Assert.That((info.Name, info.Version, info.OperatingSystem, info.Architecture, info.KernelVersion),
            Is.EqualTo(("docker", "27.3.1", "linux", "arm64", "6.1")));
        Assert.That(info.Capacity["cpu"].Value, Is.EqualTo(8));
        Assert.That(info.Capacity["memory"].Value, Is.EqualTo(16L << 30));
        Assert.That(info.Capacity["pods"].Value, Is.EqualTo(110));
    }

    [TestCase("created", null, RuntimeContainerState.Created)]
    [TestCase("created", "exec failed", RuntimeContainerState.Exited)]
    [TestCase("running", null, RuntimeContainerState.Running)]
    [TestCase("paused", null, RuntimeContainerState.Running)]
    [TestCase("exited", null, RuntimeContainerState.Exited)]
    [TestCase("dead", null, RuntimeContainerState.Exited)]
    [TestCase("weird", null, RuntimeContainerState.Unknown)]
    public void StateOf_EngineStatus_MapsToTheContract(string status, string? error, RuntimeContainerState expected) =>
        Assert.That(DockerStatusMapper.StateOf(new DockerContainerState { Status = status, Error = error }), Is.EqualTo(expected));

    [Test]
    public void Container_OomKilled_HasReasonAndExitCode()
    {
        var status = DockerStatusMapper.Container(new ContainerInspectResponse
        {
            Id = "c1",
            State = new DockerContainerState { Status = "exited", OOMKilled = true, ExitCode = 137, StartedAt = DateTimeOffset.UnixEpoch, FinishedAt = DateTimeOffset.UnixEpoch.AddSeconds(1) },
            Config = new DockerContainerConfig { Labels = new Dictionary<string, string> { [DockerLabels.SandboxId] = "s1", [ContainerLabels.ContainerName] = "app" } },
        });

        Assert.That((status.State, status.ExitCode, status.Reason, status.SandboxId, status.ContainerName),
            Is.EqualTo((RuntimeContainerState.Exited, (int?)137, ContainerExitReasons.OOMKilled, "s1", "app")));
        Assert.That(status.FinishedAt, Is.EqualTo(DateTimeOffset.UnixEpoch.AddSeconds(1)));
    }

    [Test]
    public void Map_DieEventOfAContainer_IsExitedWithLabelsAndSandbox()
    {
        var e = DockerEventStream.Map(new DockerEvent
        {
            Type = "container",
            Action = "die",
            TimeNano = 1_700_000_000_123_456_700,
            Actor = new DockerEventActor
            {
                ID = "c1",
                Attributes = new Dictionary<string, string>
                {
                    ["exitCode"] = "137", ["name"] = "k8s_app", ["image"] = "busybox",
                    [DockerLabels.SandboxId] = "s1", [ContainerLabels.PodUid] = "uid-1",
                },
            },
        });

        Assert.That((e!.Type, e.ContainerId, e.SandboxId, e.PodUid), Is.EqualTo((ContainerEventType.Exited, "c1", "s1", "uid-1")));
        Assert.That(e.Labels.Keys, Is.EquivalentTo(new[] { DockerLabels.SandboxId, ContainerLabels.PodUid }));
        Assert.That(e.Timestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123).AddTicks(4567)));
    }

    [TestCase("kill")]
    [TestCase("oom")]
    [TestCase("exec_create: sh")]
    public void Map_OtherActions_AreSkipped(string action) =>
        Assert.That(DockerEventStream.Map(new DockerEvent { Action = action, Actor = new DockerEventActor { ID = "c1" } }), Is.Null);

    [Test]
    public void Create_FilesVolume_WritesFilesWithModesAndRejectsEscapes()
    {
        var root = Path.Combine(Path.GetTempPath(), "orch-docker-unit-" + Guid.NewGuid().ToString("N")[..8]);
        var settings = new DockerRuntimeSettings
        {
            ClusterId = "unit", NodeName = "n", SandboxImage = "pause", DataDirectory = root, MemoryDataDirectory = Path.Combine(root, "mem"),
        };
        try
        {
            var volume = new RuntimeVolume
            {
                Name = "secret",
                Kind = RuntimeVolumeKind.Files,
                Sensitive = true,
                Files = [new VolumeFile("a/key", Encoding.UTF8.GetBytes("k"), 384), new VolumeFile("cert", Encoding.UTF8.GetBytes("c"), 420)],
            };
            var layout = SandboxDirectories.Create(settings, Config(volume));
            var path = layout.Volumes["secret"].Path;
            Assert.That(path, Does.StartWith(Path.Combine(root, "mem")));
            Assert.That(File.ReadAllText(Path.Combine(path, "a", "key")), Is.EqualTo("k"));
            if (!OperatingSystem.IsWindows())
            {
                Assert.That(File.GetUnixFileMode(Path.Combine(path, "a", "key")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
                Assert.That(File.GetUnixFileMode(Path.Combine(path, "cert")),
                    Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
            }
            Assert.That(SandboxDirectories.FromLabel(SandboxDirectories.ToLabel(layout.Volumes))["secret"], Is.EqualTo(layout.Volumes["secret"]));

            var escape = volume with { Name = "bad", Files = [new VolumeFile("../../etc/passwd", Encoding.UTF8.GetBytes("x"), 420)] };
            var error = Assert.Throws<ContainerRuntimeException>(() => SandboxDirectories.Create(settings, Config(escape)));
            Assert.That(error!.Message, Does.Contain("bad").And.Not.Contain("x\""));
            Assert.That(Directory.GetDirectories(Path.Combine(root, "pods")), Has.Length.EqualTo(1), "the failed sandbox left nothing");
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static PodSandboxConfig Config(params RuntimeVolume[] volumes) => new()
    {
        PodName = "p", PodNamespace = "default", PodUid = Guid.NewGuid().ToString(), Hostname = "p", Volumes = volumes,
    };
}
