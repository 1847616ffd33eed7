using Orchestrator.Api;
using Orchestrator.Runtime;
using static Orchestrator.Docker.Tests.Pods.DockerPodCluster;

namespace Orchestrator.Docker.Tests.Pods;

/// <summary>
/// A pod sandbox that dies behind the agent's back (<c>docker kill</c> of the sandbox container) is noticed from the
/// engine's events and replaced, as the kubelet does when a pod's sandbox changed: the containers run again in a new
/// sandbox under the pod's restart policy.
/// </summary>
[CancelAfter(120_000)]
public sealed class SandboxRecoveryTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private DockerPodCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task StartCluster() => _cluster = await DockerPodCluster.StartAsync();

    [OneTimeTearDown]
    public async Task StopCluster()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Test]
    public async Task Pod_SandboxKilledFromOutside_SandboxIsRecreatedAndContainersRestarted()
    {
        // Given a ready web server pod (and an agent that resynchronises only every 10 minutes)
        var web = Busybox("app", "httpd", "-f", "-p", "8080", "-h", "/var/www") with
        {
            ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/", Port = 8080 }, PeriodSeconds = 1 },
        };
        var pod = await _cluster.CreateAsync(NewPod("sandbox-killed", web));
        var ready = await _cluster.WaitForPodAsync("sandbox-killed", p => p.IsReady(), "ready");
        var old = (await SandboxesAsync(pod.Metadata.Uid!)).Single();

        // When someone kills its sandbox container with the engine directly (docker kill)
        await _cluster.Nodes[0].Runtime.Client.KillContainerAsync(old.Id, "SIGKILL");

        // Then the agent replaces the sandbox and runs the container again in it, counted as a restart of a killed container
        var restarted = await _cluster.WaitForPodAsync("sandbox-killed",
            p => p.IsReady() && App(p).RestartCount == 1 && App(p).State.Running is not null, "ready again in a new sandbox");
        Assert.That(App(restarted).LastState?.Terminated?.ExitCode, Is.EqualTo(137));
        Assert.That(App(restarted).ContainerID, Is.Not.EqualTo(App(ready).ContainerID));
        var sandboxes = await SandboxesAsync(pod.Metadata.Uid!);
        Assert.That(sandboxes, Has.Count.EqualTo(1), "the dead sandbox is removed");
        Assert.That(sandboxes[0].Id, Is.Not.EqualTo(old.Id));
        Assert.That(sandboxes[0].State, Is.EqualTo(RuntimeSandboxState.Ready));
        Assert.That(sandboxes[0].Attempt, Is.EqualTo(1));
        // ... and the pod serves on the IP it reports
        Assert.That(restarted.Status!.PodIP, Is.Not.Null.And.Not.Empty);
        Assert.That((await Http.GetStringAsync($"http://{restarted.Status.PodIP}:8080/")).Trim(), Is.EqualTo("orchestrator-test"));
        var events = await _cluster.EventsAsync("sandbox-killed");
        Assert.That(events.Select(e => e.Reason), Does.Contain("SandboxChanged"));
    }

    [Test]
    public async Task Pod_NeverRestartSandboxKilled_FailsWithoutNewSandbox()
    {
        // Given a running pod that never restarts
        var pod = NewPod("sandbox-killed-never", Busybox("app", "sleep", "600"));
        pod = await _cluster.CreateAsync(pod with { Spec = pod.Spec with { RestartPolicy = RestartPolicy.Never } });
        await _cluster.WaitForPodAsync("sandbox-killed-never", p => p.Status?.ContainerStatuses.FirstOrDefault()?.State.Running is not null, "running");
        var old = (await SandboxesAsync(pod.Metadata.Uid!)).Single();

        // When its sandbox is killed from outside
        await _cluster.Nodes[0].Runtime.Client.KillContainerAsync(old.Id, "SIGKILL");

        // Then its container is killed too and the pod fails, as in Kubernetes; no new sandbox is created
        var failed = await _cluster.WaitForPodAsync("sandbox-killed-never", p => p.Status?.Phase == PodPhase.Failed, "failed");
        Assert.That(App(failed).State.Terminated?.ExitCode, Is.EqualTo(137));
        Assert.That(App(failed).RestartCount, Is.Zero);
        Assert.That((await SandboxesAsync(pod.Metadata.Uid!)).Where(s => s.State == RuntimeSandboxState.Ready), Is.Empty);
    }

    private async Task<IReadOnlyList<RuntimeSandbox>> SandboxesAsync(string podUid) =>
        await _cluster.Nodes[0].Runtime.ListSandboxesAsync(new Dictionary<string, string> { [ContainerLabels.PodUid] = podUid });
}
