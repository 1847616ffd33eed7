using Orchestrator.Docker.Engine;

namespace Orchestrator.Docker.Tests.Engine;

/// <summary>A second engine on the same machine (<c>/run/orch-docker2.sock</c>): separate state, its own bridge.</summary>
public sealed class DockerSecondHostTests
{
    private DockerEngineClient first = null!;
    private DockerEngineClient second = null!;
    private readonly string runId = DockerTestEnvironment.NewRunId();

    [OneTimeSetUp]
    public async Task ConnectToBothEngines()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        first = await DockerTestEnvironment.ConnectAsync(ct: cts.Token);
        second = await DockerTestEnvironment.ConnectSecondHostAsync(cts.Token);
    }

    [OneTimeTearDown]
    public async Task RemoveWhatTheTestsCreated()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        if (second is not null)
        {
            await DockerTestEnvironment.RemoveRunResourcesAsync(second, runId, cts.Token);
            second.Dispose();
        }

        first?.Dispose();
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task SecondHost_RunsContainersTheFirstEngineDoesNotSee(CancellationToken ct)
    {
        // Given a container on the second engine
        string id = await second.CreateContainerAsync(
            null,
            new ContainerCreateRequest { Image = DockerTestEnvironment.BusyboxImage, Cmd = ["sleep", "300"], Labels = DockerTestEnvironment.Labels(runId) },
            ct);
        await second.StartContainerAsync(id, ct);
        DockerFilters filter = DockerFilters.Label(DockerTestEnvironment.RunLabel, runId);

        // Then only the second engine lists it, and it runs on that engine's own bridge
        Assert.That((await second.ListContainersAsync(true, filter, ct)).Select(c => c.Id), Is.EqualTo(new[] { id }));
        Assert.That(await first.ListContainersAsync(true, filter, ct), Is.Empty);
        Assert.ThrowsAsync<DockerNotFoundException>(() => first.InspectContainerAsync(id, ct));
        DockerInfoResponse firstInfo = await first.GetInfoAsync(ct);
        DockerInfoResponse secondInfo = await second.GetInfoAsync(ct);
        Assert.That(secondInfo.DockerRootDir, Is.Not.EqualTo(firstInfo.DockerRootDir));
        Assert.That(second.Endpoint.Address, Is.EqualTo(DockerTestEnvironment.SecondHost));
        ExecResult ip = await second.ExecAsync(id, new ExecCreateRequest { Cmd = ["hostname", "-i"] }, TimeSpan.FromSeconds(20), ct: ct);
        Assert.That(ip.Stdout.Trim(), Is.EqualTo((await second.InspectContainerAsync(id, ct)).NetworkSettings.IPAddress));
    }
}
