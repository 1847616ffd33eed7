using System.Collections.Immutable;
using System.Text;
using Orchestrator.Api;
using Orchestrator.Runtime;
using static Orchestrator.Tests.NodeAgent.NodeAgentTestCluster;

namespace Orchestrator.Tests.NodeAgent;

[TestFixture]
[CancelAfter(30_000)]
public sealed class ConfigResolutionTests
{
    private static ConfigMap ConfigMap(string name, params (string Key, string Value)[] data) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Data = data.ToImmutableDictionary(d => d.Key, d => d.Value),
    };

    private static Secret Secret(string name, params (string Key, string Value)[] data) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Data = data.ToImmutableDictionary(d => d.Key, d => Encoding.UTF8.GetBytes(d.Value)),
    };

    private static PersistentVolume Volume(string name, string path) => new()
    {
        Metadata = new ObjectMeta { Name = name },
        Spec = new PersistentVolumeSpec
        {
            HostPath = new HostPathVolumeSource { Path = path },
            AccessModes = [PersistentVolumeAccessMode.ReadWriteOnce],
            Capacity = new Dictionary<string, Quantity> { ["storage"] = Quantity.Parse("1Gi") },
        },
    };

    private static PersistentVolumeClaim Claim(string name, string? volumeName = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new PersistentVolumeClaimSpec
        {
            VolumeName = volumeName,
            AccessModes = [PersistentVolumeAccessMode.ReadWriteOnce],
            Resources = new VolumeResourceRequirements { Requests = new Dictionary<string, Quantity> { ["storage"] = Quantity.Parse("1Gi") } },
        },
    };

    private static EnvVar From(string name, EnvVarSource source) => new() { Name = name, ValueFrom = source };

    private static ContainerConfig Config(NodeAgentTestCluster cluster, string pod, string container = "app") =>
        cluster.Runtime.GetContainerConfig(cluster.ContainerId(pod, container))!;

    private static string? Env(ContainerConfig config, string name) => config.Env.LastOrDefault(e => e.Name == name)?.Value;

    [Test]
    public async Task Env_EverySource_ResolvedInOrderWithExpansion()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateObjectAsync(ConfigMap("settings", ("mode", "fast"), ("LEVEL", "3"), ("1bad", "x")));
        await cluster.CreateObjectAsync(Secret("creds", ("password", "s3cret"), ("TOKEN", "t0ken")));
        var container = NewContainer() with
        {
            Command = ["/bin/app", "--mode=$(MODE)"],
            Args = ["--pod=$(POD_NAME)", "--literal=$$(POD_NAME)", "--unknown=$(NOPE)"],
            EnvFrom =
            [
                new EnvFromSource { ConfigMapRef = new ConfigMapEnvSource { Name = "settings" } },
                new EnvFromSource { ConfigMapRef = new ConfigMapEnvSource { Name = "settings" }, Prefix = "CFG_" },
                new EnvFromSource { SecretRef = new SecretEnvSource { Name = "creds" } },
            ],
            Env =
            [
                new EnvVar { Name = "PLAIN", Value = "value" },
                From("MODE", new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = "settings", Key = "mode" } }),
                From("PASSWORD", new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = "creds", Key = "password" } }),
                From("OPTIONAL", new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = "absent", Key = "k", Optional = true } }),
                From("POD_NAME", new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.name" } }),
                From("POD_NAMESPACE", new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.namespace" } }),
                From("POD_UID", new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.uid" } }),
                From("TEAM", new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.labels['team']" } }),
                From("POD_IP", new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "status.podIP" } }),
                From("HOST_IP", new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "status.hostIP" } }),
                From("NODE", new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "spec.nodeName" } }),
                From("SA", new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "spec.serviceAccountName" } }),
                From("CPU_LIMIT", new EnvVarSource { ResourceFieldRef = new ResourceFieldSelector { Resource = "limits.cpu", Divisor = Quantity.Parse("1m") } }),
                From("MEM_REQUEST", new EnvVarSource { ResourceFieldRef = new ResourceFieldSelector { Resource = "requests.memory", Divisor = Quantity.Parse("1Mi") } }),
                new EnvVar { Name = "GREETING", Value = "$(PLAIN) from $(POD_NAME), cfg $(CFG_LEVEL)" },
                new EnvVar { Name = "DSN", Value = "user:$(PASSWORD)@db" },
            ],
            Resources = new ResourceRequirements
            {
                Limits = new Dictionary<string, Quantity> { ["cpu"] = Quantity.Parse("500m"), ["memory"] = Quantity.Parse("256Mi") },
                Requests = new Dictionary<string, Quantity> { ["memory"] = Quantity.Parse("128Mi") },
            },
        };
        var pod = NewPod("env", container);
        pod = pod with { Metadata = pod.Metadata with { Labels = ImmutableDictionary<string, string>.Empty.Add("team", "blue") } };

        var created = await cluster.CreateAsync(pod);
        var running = await cluster.WaitForPodAsync("env", p => p.IsReady(), "ready");
        var config = Config(cluster, "env");

        Assert.Multiple(() =>
        {
            Assert.That(Env(config, "PLAIN"), Is.EqualTo("value"));
            Assert.That(Env(config, "CFG_mode"), Is.EqualTo("fast"));
            Assert.That(Env(config, "CFG_LEVEL"), Is.EqualTo("3"));
            Assert.That(Env(config, "CFG_1bad"), Is.EqualTo("x"), "a prefix can make a key a valid name");
            Assert.That(Env(config, "1bad"), Is.Null, "invalid names from envFrom are skipped");
            Assert.That(Env(config, "mode"), Is.EqualTo("fast"));
            Assert.That(Env(config, "TOKEN"), Is.EqualTo("t0ken"));
            Assert.That(Env(config, "MODE"), Is.EqualTo("fast"));
            Assert.That(Env(config, "PASSWORD"), Is.EqualTo("s3cret"));
            Assert.That(config.Env.Any(e => e.Name == "OPTIONAL"), Is.False, "an optional missing secret is skipped");
            Assert.That(Env(config, "POD_NAME"), Is.EqualTo("env"));
            Assert.That(Env(config, "POD_NAMESPACE"), Is.EqualTo("default"));
            Assert.That(Env(config, "POD_UID"), Is.EqualTo(created.Metadata.Uid));
            Assert.That(Env(config, "TEAM"), Is.EqualTo("blue"));
            Assert.That(Env(config, "POD_IP"), Is.EqualTo(running.Status!.PodIP));
            Assert.That(Env(config, "HOST_IP"), Is.EqualTo(running.Status.HostIP));
            Assert.That(Env(config, "NODE"), Is.EqualTo("node-1"));
            Assert.That(Env(config, "SA"), Is.EqualTo("default"));
            Assert.That(Env(config, "CPU_LIMIT"), Is.EqualTo("500"));
            Assert.That(Env(config, "MEM_REQUEST"), Is.EqualTo("128"));
            Assert.That(Env(config, "GREETING"), Is.EqualTo("value from env, cfg 3"));
            Assert.That(config.Command, Is.EqualTo(new[] { "/bin/app", "--mode=fast" }));
            Assert.That(config.Args, Is.EqualTo(new[] { "--pod=env", "--literal=$(POD_NAME)", "--unknown=$(NOPE)" }));
            Assert.That(config.Env.Where(e => e.Sensitive).Select(e => e.Name), Is.EquivalentTo(new[] { "password", "TOKEN", "PASSWORD", "DSN" }));
            Assert.That(config.Resources, Is.EqualTo(new ContainerResources(500, 500, 128L << 20, 256L << 20)));
        });
        await cluster.WaitForEventAsync("env", "InvalidEnvironmentVariableNames");
        var warning = (await cluster.EventsAsync("env")).Single(e => e.Reason == "InvalidEnvironmentVariableNames");
        Assert.That(warning.Message, Is.EqualTo(
            "Keys [1bad] from the EnvFrom configMap default/settings were skipped since they are considered invalid environment variable names."));
    }

    [Test]
    public async Task Env_SecretMissing_WaitsWithCreateContainerConfigErrorThenStartsWhenItAppears()
    {
        await using var cluster = await StartAsync();
        var container = NewContainer() with
        {
            Env = [From("PASSWORD", new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = "db-creds", Key = "password" } })],
        };

        await cluster.CreateAsync(NewPod("app", container));
        var waiting = await cluster.WaitForPodAsync("app", p => Waiting(p) == "CreateContainerConfigError", "waiting for its secret");
        Assert.That(App(waiting).State.Waiting!.Message, Is.EqualTo("secret \"db-creds\" not found"));
        Assert.That(waiting.Status!.Phase, Is.EqualTo(PodPhase.Pending));
        Assert.That(cluster.Runtime.ContainerCount, Is.EqualTo(0));

        await cluster.CreateObjectAsync(Secret("db-creds", ("password", "hunter2")));
        await cluster.WaitForPodAsync("app", p => p.IsReady(), "ready once the secret exists");

        Assert.That(Env(Config(cluster, "app"), "PASSWORD"), Is.EqualTo("hunter2"));
        var events = await cluster.EventsAsync("app");
        Assert.That(events.Select(e => e.Message), Has.None.Contains("hunter2"));
    }

    [Test]
    public async Task Env_ConfigMapKeyMissing_ReportsTheKey()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateObjectAsync(ConfigMap("settings", ("other", "x")));
        var container = NewContainer() with
        {
            Env = [From("MODE", new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = "settings", Key = "mode" } })],
        };

        await cluster.CreateAsync(NewPod("app", container));
        var waiting = await cluster.WaitForPodAsync("app", p => Waiting(p) == "CreateContainerConfigError", "waiting");

        Assert.That(App(waiting).State.Waiting!.Message, Is.EqualTo("couldn't find key mode in ConfigMap default/settings"));
    }

    [Test]
    public async Task Volumes_EveryKind_HandedToTheRuntimeAsData()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateObjectAsync(ConfigMap("web-config", ("nginx.conf", "worker_processes 1;"), ("mime.types", "text/html html;")));
        await cluster.CreateObjectAsync(Secret("tls", ("tls.key", "PRIVATE"), ("tls.crt", "CERT")));
        await cluster.CreateObjectAsync(Volume("pv-data", "/srv/volumes/pv-data"));
        var claim = await cluster.CreateObjectAsync(Claim("data", "pv-data"));
        await cluster.Store.UpdateStatusAsync(claim with { Status = new PersistentVolumeClaimStatus { Phase = PersistentVolumeClaimPhase.Bound } });
        var pod = NewPod("web", NewContainer() with
        {
            VolumeMounts =
            [
                new VolumeMount { Name = "config", MountPath = "/etc/nginx" },
                new VolumeMount { Name = "tls", MountPath = "/etc/tls", ReadOnly = true },
                new VolumeMount { Name = "cache", MountPath = "/var/cache" },
                new VolumeMount { Name = "data", MountPath = "/data" },
                new VolumeMount { Name = "host", MountPath = "/host/log" },
                new VolumeMount { Name = "info", MountPath = "/etc/podinfo" },
            ],
        });
        pod = pod with
        {
            Metadata = pod.Metadata with { Labels = ImmutableDictionary<string, string>.Empty.Add("app", "web") },
            Spec = pod.Spec with
            {
                Volumes =
                [
                    new Volume { Name = "config", ConfigMap = new ConfigMapVolumeSource { Name = "web-config", Items = [new KeyToPath { Key = "nginx.conf", Path = "conf/nginx.conf", Mode = 256 }] } },
                    new Volume { Name = "tls", Secret = new SecretVolumeSource { SecretName = "tls", DefaultMode = 384 } },
                    new Volume { Name = "cache", EmptyDir = new EmptyDirVolumeSource { Medium = "Memory", SizeLimit = Quantity.Parse("64Mi") } },
                    new Volume { Name = "data", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = "data" } },
                    new Volume { Name = "host", HostPath = new HostPathVolumeSource { Path = "/var/log", Type = "Directory" } },
                    new Volume { Name = "info", DownwardAPI = new DownwardApiVolumeSource { Items = [new DownwardApiVolumeFile { Path = "labels", FieldRef = new ObjectFieldSelector { FieldPath = "metadata.labels" } }] } },
                ],
            },
        };

        await cluster.CreateAsync(pod);
        await cluster.WaitForPodAsync("web", p => p.IsReady(), "ready");
        var id = cluster.ContainerId("web");
        var sandbox = cluster.Runtime.GetSandboxConfig((await cluster.Runtime.GetContainerStatusAsync(id))!.SandboxId)!;
        var volumes = sandbox.Volumes.ToDictionary(v => v.Name);

        Assert.Multiple(() =>
        {
            var config = volumes["config"];
            Assert.That(config.Kind, Is.EqualTo(RuntimeVolumeKind.Files));
            Assert.That(config.Files.Select(f => (f.Path, Encoding.UTF8.GetString(f.Content.Span), f.Mode)),
                Is.EqualTo(new[] { ("conf/nginx.conf", "worker_processes 1;", 256) }), "only the listed item, with its path and mode");
            var tls = volumes["tls"];
            Assert.That(tls.Sensitive, Is.True);
            Assert.That(tls.Files.Select(f => (f.Path, f.Mode)), Is.EqualTo(new[] { ("tls.crt", 384), ("tls.key", 384) }), "every key, with the default mode");
            Assert.That((volumes["cache"].Kind, volumes["cache"].Medium, volumes["cache"].SizeLimitBytes), Is.EqualTo((RuntimeVolumeKind.EmptyDir, "Memory", (long?)(64L << 20))));
            Assert.That((volumes["data"].Kind, volumes["data"].HostPath), Is.EqualTo((RuntimeVolumeKind.Persistent, "/srv/volumes/pv-data")));
            Assert.That((volumes["host"].Kind, volumes["host"].HostPath, volumes["host"].HostPathType), Is.EqualTo((RuntimeVolumeKind.HostPath, "/var/log", "Directory")));
            Assert.That(Encoding.UTF8.GetString(volumes["info"].Files.Single().Content.Span), Is.EqualTo("app=\"web\""));
        });
        var mounts = cluster.Runtime.GetContainerConfig(id)!.Mounts;
        Assert.That(mounts.Single(m => m.VolumeName == "tls"), Is.EqualTo(new ContainerMount("tls", "/etc/tls", true)));
        var cat = await cluster.Runtime.ExecAsync(id, ["cat", "/etc/nginx/conf/nginx.conf"], TimeSpan.FromSeconds(1));
        Assert.That(cat.Stdout, Is.EqualTo("worker_processes 1;"));
    }

    [Test]
    public async Task Volumes_ConfigMapMissing_WaitsWithFailedMountUntilItAppears()
    {
        await using var cluster = await StartAsync();
        var pod = NewPod("web", NewContainer() with { VolumeMounts = [new VolumeMount { Name = "config", MountPath = "/etc/app" }] });
        pod = pod with { Spec = pod.Spec with { Volumes = [new Volume { Name = "config", ConfigMap = new ConfigMapVolumeSource { Name = "app-config" } }] } };

        await cluster.CreateAsync(pod);
        var waiting = await cluster.WaitForPodAsync("web", p => App(p).State.Waiting?.Message is not null, "waiting for its volume");
        await cluster.WaitForEventAsync("web", "FailedMount");

        Assert.That(Waiting(waiting), Is.EqualTo("ContainerCreating"));
        Assert.That(App(waiting).State.Waiting!.Message, Is.EqualTo("MountVolume.SetUp failed for volume \"config\" : configmap \"app-config\" not found"));
        Assert.That(cluster.Runtime.SandboxCount, Is.EqualTo(0));

        await cluster.CreateObjectAsync(ConfigMap("app-config", ("key", "value")));
        await cluster.WaitForPodAsync("web", p => p.IsReady(), "ready");
    }

    [Test]
    public async Task Volumes_ClaimNotBound_WaitsUntilItIsBound()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateObjectAsync(Volume("pv-1", "/mnt/disk1"));
        var claim = await cluster.CreateObjectAsync(Claim("data"));
        var pod = NewPod("db", NewContainer() with { VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/var/lib/db" }] });
        pod = pod with { Spec = pod.Spec with { Volumes = [new Volume { Name = "data", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = "data" } }] } };

        await cluster.CreateAsync(pod);
        var waiting = await cluster.WaitForPodAsync("db", p => App(p).State.Waiting?.Message is not null, "waiting for its claim");
        Assert.That(App(waiting).State.Waiting!.Message, Does.EndWith("persistentvolumeclaim \"data\" is not bound"));

        var bound = (PersistentVolumeClaim)await cluster.Store.UpdateAsync(claim with { Spec = claim.Spec with { VolumeName = "pv-1" } });
        await cluster.Store.UpdateStatusAsync(bound with { Status = new PersistentVolumeClaimStatus { Phase = PersistentVolumeClaimPhase.Bound } });
        await cluster.WaitForPodAsync("db", p => p.IsReady(), "ready once bound");

        var sandboxId = (await cluster.Runtime.GetContainerStatusAsync(cluster.ContainerId("db")))!.SandboxId;
        Assert.That(cluster.Runtime.GetSandboxConfig(sandboxId)!.Volumes.Single().HostPath, Is.EqualTo("/mnt/disk1"));
    }
}
