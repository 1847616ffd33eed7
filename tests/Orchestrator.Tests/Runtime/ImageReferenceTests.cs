using Orchestrator.Runtime;

namespace Orchestrator.Tests.Runtime;

[TestFixture]
public sealed class ImageReferenceTests
{
    [TestCase("nginx", "nginx:latest")]
    [TestCase("nginx:1.27", "nginx:1.27")]
    [TestCase("library/nginx", "library/nginx:latest")]
    [TestCase("localhost:5000/app", "localhost:5000/app:latest")]
    [TestCase("localhost:5000/app:v2", "localhost:5000/app:v2")]
    [TestCase("nginx@sha256:abc", "nginx@sha256:abc")]
    public void Normalize_Reference_AddsLatestOnlyWhenUntagged(string image, string expected) =>
        Assert.That(ImageReference.Normalize(image), Is.EqualTo(expected));

    [TestCase("nginx", "latest")]
    [TestCase("nginx:1.27", "1.27")]
    [TestCase("localhost:5000/app", "latest")]
    [TestCase("nginx@sha256:abc", null)]
    public void GetTag_Reference_ReturnsTag(string image, string? expected) => Assert.That(ImageReference.GetTag(image), Is.EqualTo(expected));
}
