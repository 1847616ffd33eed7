using Orchestrator.Api;
using Orchestrator.Runtime.Simulated;
using static Orchestrator.Tests.NodeAgent.NodeAgentTestCluster;

namespace Orchestrator.Tests.NodeAgent;

[TestFixture]
[CancelAfter(30_000)]
public sealed class ImagePullTests
{
    [Test]
    public async Task Pull_NeverPolicyAndImageMissing_WaitsWithErrImageNeverPull()
    {
        await using var cluster = await StartAsync();

        await cluster.CreateAsync(NewPod("offline", NewContainer(image: "nginx:1.27") with { ImagePullPolicy = PullPolicy.Never }));
        var waiting = await cluster.WaitForPodAsync("offline", p => Waiting(p) == "ErrImageNeverPull", "ErrImageNeverPull");

        Assert.That(App(waiting).State.Waiting!.Message, Is.EqualTo("Container image \"nginx:1.27\" is not present with pull policy of Never"));
        Assert.That(waiting.Status!.Phase, Is.EqualTo(PodPhase.Pending));
        Assert.That(await cluster.Runtime.GetImageAsync("nginx:1.27"), Is.Null, "Never must not pull");

        // Once the image is on the node (loaded by other means) the container starts.
        cluster.Runtime.AddImage("nginx:1.27");
        await cluster.AdvanceAsync(cluster.Options.BackOffBase);
        await cluster.WaitForPodAsync("offline", p => p.IsReady(), "ready");
    }

    [Test]
    public async Task Pull_NeverPolicyAndImagePresent_StartsWithoutPulling()
    {
        await using var cluster = await StartAsync();

        await cluster.CreateAsync(NewPod("local", NewContainer() with { ImagePullPolicy = PullPolicy.Never }));
        await cluster.WaitForPodAsync("local", p => p.IsReady(), "ready");

        await cluster.WaitForEventAsync("local", "Started");
        Assert.That((await cluster.EventsAsync("local")).Select(e => e.Reason), Has.None.EqualTo("Pulling"));
    }

    [Test]
    public async Task Pull_ImageCannotBePulled_ErrImagePullAndRetriedAfterBackOff()
    {
        await using var cluster = await StartAsync();

        await cluster.CreateAsync(NewPod("typo", NewContainer(image: "nginx-invalid:1.27")));
        var failed = await cluster.WaitForPodAsync("typo", p => Waiting(p) == "ErrImagePull", "ErrImagePull");
        Assert.That(App(failed).State.Waiting!.Message, Does.Contain("nginx-invalid:1.27").And.Contain("pull access denied"));
        Assert.That(failed.Status!.Phase, Is.EqualTo(PodPhase.Pending));

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10));

        await WaitForPullsAsync(cluster, "typo", 2);
    }

    private static async Task WaitForPullsAsync(NodeAgentTestCluster cluster, string pod, int count)
    {
        var deadline = DateTime.UtcNow + NodeAgentTestCluster.Timeout;
        while ((await cluster.EventsAsync(pod)).Where(e => e.Reason == "Pulling").Sum(e => e.Count) < count)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for {count} pulls of {pod}");
            await Task.Delay(2);
        }
    }

    [Test]
    public async Task Pull_InsideBackOffWindow_ReportsImagePullBackOff()
    {
        await using var cluster = await StartAsync();
        // A second container that exits after 1 s makes the pod sync again inside the pull back-off window.
        var pod = NewPod("typo", NewContainer(image: "nginx-invalid:1.27"), NewContainer("sidecar"));
        pod = pod with
        {
            Metadata = pod.Metadata with { Annotations = Annotations((SimulatedAnnotations.Prefix + "sidecar.exit-after", "1s")) },
        };
        await cluster.CreateAsync(pod);
        await cluster.WaitForPodAsync("typo", p => Waiting(p) == "ErrImagePull", "ErrImagePull");

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        var backOff = await cluster.WaitForPodAsync("typo", p => Waiting(p) == "ImagePullBackOff", "ImagePullBackOff");

        Assert.That(App(backOff).State.Waiting!.Message, Is.EqualTo("Back-off pulling image \"nginx-invalid:1.27\""));
        Assert.That(backOff.Status!.Phase, Is.EqualTo(PodPhase.Pending));
    }

    [Test]
    public async Task Pull_AlwaysPolicy_PullsEvenWhenPresent()
    {
        await using var cluster = await StartAsync();

        await cluster.CreateAsync(NewPod("fresh", NewContainer() with { ImagePullPolicy = PullPolicy.Always }));
        await cluster.WaitForPodAsync("fresh", p => p.IsReady(), "ready");

        await cluster.WaitForEventAsync("fresh", "Pulling");
        Assert.That((await cluster.EventsAsync("fresh")).Single(e => e.Reason == "Pulled").Message, Does.StartWith("Successfully pulled image \"busybox:1.36\""));
    }

    [Test]
    public async Task Pull_IfNotPresentAndMissing_PullsThenRuns()
    {
        await using var cluster = await StartAsync();

        await cluster.CreateAsync(NewPod("new", NewContainer(image: "redis:7") with { ImagePullPolicy = PullPolicy.IfNotPresent }));
        await cluster.WaitForPodAsync("new", p => p.IsReady(), "ready");

        Assert.That(await cluster.Runtime.GetImageAsync("redis:7"), Is.Not.Null);
        Assert.That(App(cluster.Get("new")!).ImageID, Does.StartWith("sha256:"));
    }
}
