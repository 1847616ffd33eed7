namespace Orchestrator.Testing.Tests;

public sealed class PodGroupBuilderTests
{
    [Test]
    public void With_AnyChange_LeavesTheOriginalUnchanged()
    {
        var original = new PodGroupBuilder();

        var changed = original.WithManifest("kind: x").WithPods(new PodBuilder("a")).WithTimeout(TimeSpan.FromSeconds(5))
            .WithNamespacePrefix("orders").WithTeardownGracePeriod(TimeSpan.FromSeconds(1)).WithWaitStrategy(Wait.None());

        Assert.That(original.Sources, Is.Empty);
        Assert.That(original.Timeout, Is.EqualTo(TimeSpan.FromMinutes(2)));
        Assert.That(original.NamespacePrefix, Is.EqualTo("test"));
        Assert.That(original.TeardownGracePeriod, Is.EqualTo(TimeSpan.Zero));
        Assert.That(changed.Sources, Has.Count.EqualTo(2));
        Assert.That(changed.NamespacePrefix, Is.EqualTo("orders"));
    }

    [TestCase("Orders"), TestCase("1st"), TestCase("a_b"), TestCase("a-very-long-prefix-that-is-longer-than-forty-characters")]
    public void WithNamespacePrefix_NotADnsLabel_ThrowsSayingWhy(string prefix)
    {
        var error = Assert.Throws<ArgumentException>(() => new PodGroupBuilder().WithNamespacePrefix(prefix));

        Assert.That(error!.Message, Does.Contain("lower-case letters, digits and '-'"));
    }
}
