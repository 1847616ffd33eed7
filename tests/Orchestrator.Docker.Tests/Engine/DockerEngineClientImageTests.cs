using Orchestrator.Docker.Engine;

namespace Orchestrator.Docker.Tests.Engine;

/// <summary>Images: inspect, list, and pulls from the local registry on 127.0.0.1:5000, including failures.</summary>
public sealed class DockerEngineClientImageTests : EngineTestBase
{
    private sealed class ListProgress : IProgress<PullProgressMessage>
    {
        public List<PullProgressMessage> Messages { get; } = [];

        public void Report(PullProgressMessage value)
        {
            lock (Messages)
                Messages.Add(value);
        }
    }

    private async Task RemoveIfPresentAsync(string image, CancellationToken ct)
    {
        try
        {
            await Client.RemoveImageAsync(image, force: false, ct);
        }
        catch (DockerNotFoundException)
        {
        }
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task InspectImageAsync_TestImage_ReportsIdTagsAndDefaults(CancellationToken ct)
    {
        ImageInspectResponse image = await Client.InspectImageAsync(DockerTestEnvironment.BusyboxImage, ct);

        Assert.That(image.Id, Does.StartWith("sha256:"));
        Assert.That(image.RepoTags, Does.Contain(DockerTestEnvironment.BusyboxImage).And.Contain(DockerTestEnvironment.BusyboxLatestImage));
        Assert.That(image.Config!.Cmd, Is.EqualTo(new[] { "sh" }));
        Assert.That(image.Os, Is.EqualTo("linux"));
        Assert.That(image.Created, Is.Not.Null);
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task ListImagesAsync_ReferenceFilter_FindsTheTestImage(CancellationToken ct)
    {
        IReadOnlyList<ImageSummary> images = await Client.ListImagesAsync(DockerFilters.Empty.Add("reference", "orchestrator-test/busybox"), ct);

        Assert.That(images.SelectMany(i => i.RepoTags ?? []), Does.Contain(DockerTestEnvironment.BusyboxImage));
        Assert.That(images.SelectMany(i => i.RepoTags ?? []), Has.None.StartWith("127.0.0.1:5000/"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public void InspectImageAsync_MissingImage_ThrowsNotFoundWithNoSuchImage(CancellationToken ct)
    {
        var error = Assert.ThrowsAsync<DockerNotFoundException>(() => Client.InspectImageAsync("orchestrator-test/missing:0", ct));

        Assert.That(error!.EngineMessage, Does.Contain("No such image: orchestrator-test/missing:0"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task PullImageAsync_FromLocalRegistry_TagsTheImageAndReportsProgress(CancellationToken ct)
    {
        // Given the engine without the registry's tag
        await RemoveIfPresentAsync(DockerTestEnvironment.RegistryImage, ct);
        Assert.ThrowsAsync<DockerNotFoundException>(() => Client.InspectImageAsync(DockerTestEnvironment.RegistryImage, ct));
        var progress = new ListProgress();

        // When it is pulled
        await Client.PullImageAsync(DockerTestEnvironment.RegistryImage, auth: null, progress, ct);

        // Then the engine has it, and the progress stream was read through to its final status
        ImageInspectResponse pulled = await Client.InspectImageAsync(DockerTestEnvironment.RegistryImage, ct);
        ImageInspectResponse local = await Client.InspectImageAsync(DockerTestEnvironment.BusyboxImage, ct);
        Assert.That(pulled.Id, Is.EqualTo(local.Id));
        Assert.That(progress.Messages.First().Status, Does.StartWith("Pulling from orchestrator-test/busybox"));
        Assert.That(progress.Messages.Last().Status, Does.Contain("127.0.0.1:5000/orchestrator-test/busybox:1.0"));
        Assert.That(progress.Messages.Select(m => m.ErrorMessage), Is.All.Null);
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task PullImageAsync_WithRegistryAuth_SendsHeaderAndSucceeds(CancellationToken ct)
    {
        var auth = new RegistryAuth { Username = "ci", Password = "unused-by-this-registry", ServerAddress = DockerTestEnvironment.RegistryAddress };

        await Client.PullImageAsync(DockerTestEnvironment.RegistryImage, auth, progress: null, ct);

        Assert.That((await Client.InspectImageAsync(DockerTestEnvironment.RegistryImage, ct)).RepoTags, Does.Contain(DockerTestEnvironment.RegistryImage));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public void PullImageAsync_UnknownRepository_ThrowsNotFoundWithTheEnginesMessage(CancellationToken ct)
    {
        var error = Assert.ThrowsAsync<DockerNotFoundException>(() => Client.PullImageAsync("127.0.0.1:5000/orchestrator-test/does-not-exist:1.0", ct: ct));

        Assert.That(error!.EngineMessage, Does.Contain("127.0.0.1:5000/orchestrator-test/does-not-exist:1.0").And.Contain("not found"));
        Assert.That(error.Message, Does.Contain("POST /images/create"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public void PullImageAsync_RegistryUnreachable_ThrowsApiErrorWithTheCause(CancellationToken ct)
    {
        var error = Assert.ThrowsAsync<DockerApiException>(() => Client.PullImageAsync("127.0.0.1:1/orchestrator-test/busybox:1.0", ct: ct));

        Assert.That(error!.EngineMessage, Does.Contain("127.0.0.1:1").And.Contain("connection refused"));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task PullImageAsync_ErrorInsideProgressStream_ThrowsPullExceptionWithTheStreamsError(CancellationToken ct)
    {
        // Given an image whose manifest the registry serves but whose config blob it lost
        await RemoveIfPresentAsync(DockerTestEnvironment.BrokenRegistryImage, ct);
        var progress = new ListProgress();

        // When it is pulled
        var error = Assert.ThrowsAsync<DockerImagePullException>(() => Client.PullImageAsync(DockerTestEnvironment.BrokenRegistryImage, progress: progress, ct: ct));

        // Then the stream had started (HTTP 200) and its error became the exception
        Assert.That(progress.Messages.First().Status, Does.StartWith("Pulling from orchestrator-test/broken"));
        Assert.That(error!.Image, Is.EqualTo(DockerTestEnvironment.BrokenRegistryImage));
        Assert.That(error.EngineMessage, Does.Contain("unknown blob"));
        Assert.That(error.Message, Does.Contain(DockerTestEnvironment.BrokenRegistryImage));
    }
}
