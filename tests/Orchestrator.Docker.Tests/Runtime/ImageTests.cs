using Orchestrator.Docker.Engine;
using Orchestrator.Docker.Runtime;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Tests.Runtime;

/// <summary>Images through the runtime contract: presence, pulls from the local test registry, pull errors.</summary>
public sealed class ImageTests : DockerRuntimeFixture
{
    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task GetImage_PresentAndMissing_ReturnsInfoOrNull(CancellationToken ct)
    {
        var present = await Runtime.GetImageAsync(DockerTestEnvironment.BusyboxImage, ct);
        var missing = await Runtime.GetImageAsync("orchestrator-test/no-such-image:1.0", ct);
        var images = await Runtime.ListImagesAsync(ct);

        Assert.That(present!.Id, Does.StartWith("sha256:"));
        Assert.That(present.Names, Does.Contain(DockerTestEnvironment.BusyboxImage));
        Assert.That(present.SizeBytes, Is.GreaterThan(0));
        Assert.That(missing, Is.Null);
        Assert.That(images.Select(i => i.Id), Does.Contain(present.Id));
    }

    [Test]
    [CancelAfter(TestTimeoutMs)]
    public async Task PullImage_FromTheLocalRegistry_MakesItPresent(CancellationToken ct)
    {
        // Given the registry image is not on the engine
        try
        {
            await Client.RemoveImageAsync(DockerTestEnvironment.RegistryImage, ct: ct);
        }
        catch (DockerNotFoundException)
        {
        }
        Assert.That(await Runtime.GetImageAsync(DockerTestEnvironment.RegistryImage, ct), Is.Null);

        // When two pods pull it at once
        var pulls = await Task.WhenAll(
            Runtime.PullImageAsync(new ImagePullRequest { Image = DockerTestEnvironment.RegistryImage }, ct).AsTask(),
            Runtime.PullImageAsync(new ImagePullRequest { Image = DockerTestEnvironment.RegistryImage }, ct).AsTask());

        // Then both get it, and the engine has it
        Assert.That(pulls[0].Id, Is.EqualTo(pulls[1].Id));
        Assert.That((await Runtime.GetImageAsync(DockerTestEnvironment.RegistryImage, ct))!.Id, Is.EqualTo(pulls[0].Id));
    }

    [TestCase(DockerTestEnvironment.RegistryAddress + "/orchestrator-test/no-such-image:1.0", "not found")]
    [TestCase(DockerTestEnvironment.BrokenRegistryImage, "")]
    [CancelAfter(TestTimeoutMs)]
    public void PullImage_Unpullable_ThrowsImagePullExceptionWithTheEnginesMessage(string image, string expected, CancellationToken ct)
    {
        var error = Assert.ThrowsAsync<ImagePullException>(async () => await Runtime.PullImageAsync(new ImagePullRequest { Image = image }, ct));

        Assert.That(error!.Image, Is.EqualTo(image));
        Assert.That(error.Message, Does.StartWith($"failed to pull image \"{image}\": "));
        Assert.That(error.Message, Does.Contain(expected).IgnoreCase);
        Assert.That(error.Message.Length, Is.GreaterThan($"failed to pull image \"{image}\": ".Length + 5));
    }

    [TestCase("nginx", "docker.io")]
    [TestCase("library/nginx:1.27", "docker.io")]
    [TestCase("ghcr.io/acme/app:1", "ghcr.io")]
    [TestCase("127.0.0.1:5000/team/app", "127.0.0.1:5000")]
    [TestCase("localhost/app", "localhost")]
    public void RegistryOf_References_FindsTheRegistryHost(string image, string registry) =>
        Assert.That(DockerContainerRuntime.RegistryOf(image), Is.EqualTo(registry));

    [TestCase("https://index.docker.io/v1/", "docker.io", true)]
    [TestCase("docker.io", "docker.io", true)]
    [TestCase("ghcr.io", "docker.io", false)]
    [TestCase("http://127.0.0.1:5000", "127.0.0.1:5000", true)]
    [TestCase("GHCR.io", "ghcr.io", true)]
    public void SameRegistry_CredentialRegistryForms_MatchTheImageRegistry(string credential, string registry, bool expected) =>
        Assert.That(DockerContainerRuntime.SameRegistry(credential, registry), Is.EqualTo(expected));
}
