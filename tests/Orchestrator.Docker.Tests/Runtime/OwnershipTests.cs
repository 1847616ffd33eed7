using Orchestrator.Docker.Engine;
using Orchestrator.Docker.Hosting;
using Orchestrator.Docker.Runtime;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Tests.Runtime;

/// <summary>Labels, listing for adoption, name clashes and the start-up reaper on the real engine.</summary>
public sealed class OwnershipTests : DockerRuntimeFixture
{
    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ListSandboxesAndContainers_ByLabel_ReturnWhatAdoptionNeeds(CancellationToken ct)
    {
        // Given a pod with one running and one exited container, and another pod
        var sandbox = Sandbox("adoptee");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var running = await RunContainerAsync(sandboxId, Container(sandbox, "web", "sleep", "300"), ct);
        var exited = await RunContainerAsync(sandboxId, Container(sandbox, "init", "sh", "-c", "exit 2"), ct);
        await WaitForStatusAsync(exited, s => s.State == RuntimeContainerState.Exited, "exited", ct);
        var other = Sandbox("bystander");
        await RunSandboxAsync(other, ct);

        // When listing by the pod's uid
        var filter = new Dictionary<string, string> { [ContainerLabels.PodUid] = sandbox.PodUid };
        var sandboxes = await Runtime.ListSandboxesAsync(filter, ct);
        var containers = await Runtime.ListContainersAsync(filter, ct);

        // Then only that pod's sandbox and containers come back, with state, attempt, sandbox, exit code and labels
        var listed = sandboxes.Single();
        Assert.That((listed.Id, listed.State, listed.Attempt, listed.PodUid), Is.EqualTo((sandboxId, RuntimeSandboxState.Ready, 0, sandbox.PodUid)));
        Assert.That(listed.CreatedAt, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(2)));
        Assert.That(containers.Select(c => c.Id), Is.EquivalentTo(new[] { running, exited }));
        Assert.That(containers.All(c => c.SandboxId == sandboxId), Is.True);
        var init = containers.Single(c => c.Id == exited);
        Assert.That((init.State, init.ExitCode, init.ContainerName, init.RestartCount), Is.EqualTo((RuntimeContainerState.Exited, 2, "init", 0)));
        Assert.That(containers.Single(c => c.Id == running).StartedAt, Is.Not.Null);
        Assert.That((await Runtime.ListContainersAsync(new Dictionary<string, string> { [ContainerLabels.NodeName] = NodeName }, ct)).Count,
            Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task CreateContainer_NameTakenByALeftoverOfThePod_ReplacesIt(CancellationToken ct)
    {
        // Given a container whose create answer was lost (it exists, the agent does not know it)
        var sandbox = Sandbox("clash");
        var (sandboxId, _) = await RunSandboxAsync(sandbox, ct);
        var lost = await Runtime.CreateContainerAsync(sandboxId, Container(sandbox, "app", "sleep", "300"), ct);

        // When the agent creates the same instance again
        var id = await RunContainerAsync(sandboxId, Container(sandbox, "app", "sleep", "300"), ct);

        // Then the new one takes the name and the leftover is gone
        Assert.That(id, Is.Not.EqualTo(lost));
        Assert.That(await Runtime.GetContainerStatusAsync(lost, ct), Is.Null);
        Assert.That((await Client.InspectContainerAsync(id, ct)).Name, Does.StartWith("/k8s_app_clash_default_"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task RemoveAndList_ContainerOfAnotherOwner_IsNeitherListedNorTouched(CancellationToken ct)
    {
        // Given a container that is not this cluster's, even though it carries a pod's labels
        var sandbox = Sandbox("foreign");
        var labels = DockerTestEnvironment.Labels(DockerTestEnvironment.NewRunId(), (ContainerLabels.PodUid, sandbox.PodUid));
        var foreign = await Client.CreateContainerAsync(null, new ContainerCreateRequest
        {
            Image = DockerTestEnvironment.BusyboxImage, Cmd = ["sleep", "300"], Labels = labels,
        }, ct);
        try
        {
            // When the runtime is asked to list and remove it
            var listed = await Runtime.ListContainersAsync(new Dictionary<string, string> { [ContainerLabels.PodUid] = sandbox.PodUid }, ct);
            await Runtime.RemoveContainerAsync(foreign, ct);
            await Runtime.RemoveSandboxAsync(foreign, ct);

            // Then it does not see it and leaves it alone
            Assert.That(listed, Is.Empty);
            Assert.That((await Client.InspectContainerAsync(foreign, ct)).Id, Is.EqualTo(foreign));
        }
        finally
        {
            await Client.RemoveContainerAsync(foreign, force: true, ct: ct);
        }
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ConnectAsync_LeftoversOfAnEarlierRun_AreReapedAndTheRestIsKept(CancellationToken ct)
    {
        // Given an earlier run of a cluster that left a pod of a node that no longer exists, a container whose sandbox
        // is gone, a stale pod directory, and a pod of the node that still exists
        var clusterId = ClusterId + "-reap";
        var dataDirectory = Path.Combine(DataDirectory, "reap");
        DockerNodes earlier = await DockerNodes.ConnectAsync(Options(clusterId, dataDirectory, "old-node"), cancellationToken: ct);
        DockerNodes? later = null;
        try
        {
            var oldRuntime = earlier[0].Runtime;
            var oldPod = Sandbox("old") with { Network = earlier[0].Registration.Network!.NetworkName };
            oldPod = oldPod with { Labels = new Dictionary<string, string>(oldPod.Labels) { [ContainerLabels.NodeName] = "old-node" } };
            var oldSandbox = await oldRuntime.CreateSandboxAsync(oldPod, ct);
            var oldContainer = await oldRuntime.CreateContainerAsync(oldSandbox, Container(oldPod, "app", "sleep", "300"), ct);
            await earlier.DisposeAsync();

            var keptNode = await DockerNodes.ConnectAsync(Options(clusterId, dataDirectory, "kept-node"), cancellationToken: ct);
            var keptRuntime = keptNode[0].Runtime;
            var keptPod = Sandbox("kept") with { Network = keptNode[0].Registration.Network!.NetworkName };
            keptPod = keptPod with { Labels = new Dictionary<string, string>(keptPod.Labels) { [ContainerLabels.NodeName] = "kept-node" } };
            var keptSandbox = await keptRuntime.CreateSandboxAsync(keptPod, ct);
            var keptContainer = await keptRuntime.CreateContainerAsync(keptSandbox, Container(keptPod, "app", "sleep", "300"), ct);
            var danglingSandbox = await keptRuntime.CreateSandboxAsync(keptPod with { Attempt = 1 }, ct);
            var dangling = await keptRuntime.CreateContainerAsync(danglingSandbox, Container(keptPod, "other", "sleep", "300"), ct);
            await Client.RemoveContainerAsync(danglingSandbox, force: true, ct: ct); // the sandbox vanished behind the runtime's back
            var staleDirectory = Path.Combine(dataDirectory, clusterId, "kept-node", "pods", "stale_0_deadbeef");
            Directory.CreateDirectory(staleDirectory);
            await keptNode.DisposeAsync();

            // When the cluster starts again with only the kept node
            later = await DockerNodes.ConnectAsync(Options(clusterId, dataDirectory, "kept-node"), cancellationToken: ct);

            // Then what no agent would adopt is gone, and the kept node's pod is untouched for its agent to adopt
            var owned = await Client.ListContainersAsync(true, DockerFilters.Label(DockerLabels.ClusterId, clusterId), ct);
            Assert.That(owned.Select(c => c.Id), Is.EquivalentTo(new[] { keptSandbox, keptContainer }));
            Assert.That(owned.Select(c => c.Id), Does.Not.Contain(oldSandbox).And.Not.Contain(oldContainer).And.Not.Contain(dangling));
            Assert.That(Directory.Exists(staleDirectory), Is.False);
            var keptDirectory = (await Client.InspectContainerAsync(keptSandbox, ct)).Config.Labels![DockerLabels.SandboxDirectory];
            Assert.That(Directory.Exists(keptDirectory), Is.True);
        }
        finally
        {
            var filter = DockerFilters.Label(DockerLabels.ClusterId, clusterId);
            foreach (var container in await Client.ListContainersAsync(true, filter, ct)) await Client.RemoveContainerAsync(container.Id, force: true, ct: ct);
            foreach (var network in await Client.ListNetworksAsync(filter, ct)) await Client.RemoveNetworkAsync(network.Id, ct);
            if (later is not null) await later.DisposeAsync();
        }
    }
}
