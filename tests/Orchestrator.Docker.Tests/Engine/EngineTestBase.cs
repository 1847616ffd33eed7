using Orchestrator.Docker.Engine;

namespace Orchestrator.Docker.Tests.Engine;

/// <summary>
/// A fixture on the real default engine: connects once (ignored, or failed under CI=true, without an engine), labels
/// what its tests create with a run id, and removes all of it in teardown.
/// </summary>
public abstract class EngineTestBase
{
    protected const int TestTimeoutMs = 60_000;

    private protected DockerEngineClient Client { get; private set; } = null!;

    protected string RunId { get; } = DockerTestEnvironment.NewRunId();

    [OneTimeSetUp]
    public async Task ConnectToEngine()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Client = await DockerTestEnvironment.ConnectAsync(ct: cts.Token);
    }

    [OneTimeTearDown]
    public async Task RemoveWhatTheTestsCreated()
    {
        if (Client is null)
            return;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await DockerTestEnvironment.RemoveRunResourcesAsync(Client, RunId, cts.Token);
        Client.Dispose();
    }

    /// <summary>Labels for one test: the test and run labels plus a case label unique to the caller.</summary>
    protected Dictionary<string, string> Labels(string? testCase = null) =>
        testCase is null ? DockerTestEnvironment.Labels(RunId) : DockerTestEnvironment.Labels(RunId, ("orchestrator.test.case", testCase));

    /// <summary>A request for the busybox test image running <paramref name="cmd"/>, labelled for this run.</summary>
    private protected ContainerCreateRequest Busybox(params string[] cmd) =>
        new() { Image = DockerTestEnvironment.BusyboxImage, Cmd = cmd, Labels = Labels() };

    /// <summary>Creates and starts a container; returns its id.</summary>
    private protected async Task<string> RunAsync(ContainerCreateRequest request, CancellationToken ct, string? name = null)
    {
        string id = await Client.CreateContainerAsync(name, request, ct);
        Assert.That(await Client.StartContainerAsync(id, ct), Is.True, "a created container starts");
        return id;
    }

    /// <summary>A name unique to this run, for containers and networks.</summary>
    protected string UniqueName(string prefix) => $"orch-test-{prefix}-{RunId}-{Guid.NewGuid().ToString("N")[..6]}";
}
