using Orchestrator.Api;

namespace Orchestrator.Testing.Tests;

public sealed class PodBuilderTests
{
    private static IEnumerable<TestCaseData> Changes()
    {
        yield return Change("WithName", b => b.WithName("other"));
        yield return Change("WithImage", b => b.WithImage("redis:7"));
        yield return Change("WithCommand", b => b.WithCommand("sleep", "60"));
        yield return Change("WithArgs", b => b.WithArgs("--verbose"));
        yield return Change("WithEnv", b => b.WithEnv("MODE", "test"));
        yield return Change("WithPort", b => b.WithPort(6379, "redis"));
        yield return Change("WithReadinessTcp", b => b.WithReadinessTcp(6379));
        yield return Change("WithReadinessHttp", b => b.WithReadinessHttp("/healthz", 8080));
        yield return Change("WithReadinessExec", b => b.WithReadinessExec("true"));
        yield return Change("WithLabel", b => b.WithLabel("tier", "cache"));
        yield return Change("WithAnnotation", b => b.WithAnnotation("note", "x"));
        yield return Change("WithRestartPolicy", b => b.WithRestartPolicy("Never"));
        yield return Change("WithResources", b => b.WithResources("250m", "64Mi"));
        yield return Change("WithContainer", b => b.WithContainer(c => c with { WorkingDir = "/data" }));
        yield return Change("WithSpec", b => b.WithSpec(s => s with { TerminationGracePeriodSeconds = 1 }));

        static TestCaseData Change(string name, Func<PodBuilder, PodBuilder> change) => new TestCaseData(change).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(Changes))]
    public void With_AnyChange_ReturnsANewBuilderAndLeavesTheOriginalUnchanged(Func<PodBuilder, PodBuilder> change)
    {
        var original = new PodBuilder("redis").WithPort(1234);
        var before = Json(original.Build());

        var changed = change(original);

        Assert.That(changed, Is.Not.SameAs(original));
        Assert.That(Json(original.Build()), Is.EqualTo(before), "the original builds the same pod as before");
        Assert.That(Json(changed.Build()), Is.Not.EqualTo(before), "the new builder has the change");
    }

    [Test]
    public void Build_FullyConfigured_IsThePodKubernetesWouldGetFromYaml()
    {
        var pod = new PodBuilder("redis")
            .WithImage("redis:7")
            .WithCommand("redis-server")
            .WithArgs("--port", "6379")
            .WithEnv("MODE", "a")
            .WithEnv("MODE", "b")
            .WithPort(6379, "redis")
            .WithReadinessTcp(6379, TimeSpan.FromSeconds(2))
            .WithLabel("tier", "cache")
            .Build("team-a");

        var container = pod.Spec.Containers.Single();
        Assert.Multiple(() =>
        {
            Assert.That(pod.Metadata.Name, Is.EqualTo("redis"));
            Assert.That(pod.Metadata.Namespace, Is.EqualTo("team-a"));
            Assert.That(pod.Metadata.Labels, Is.EquivalentTo(new Dictionary<string, string> { ["app"] = "redis", ["tier"] = "cache" }));
            Assert.That(container.Name, Is.EqualTo("redis"));
            Assert.That(container.Image, Is.EqualTo("redis:7"));
            Assert.That(container.Command, Is.EqualTo(new[] { "redis-server" }));
            Assert.That(container.Args, Is.EqualTo(new[] { "--port", "6379" }));
            Assert.That(container.Env.Select(e => (e.Name, e.Value)), Is.EqualTo(new[] { ("MODE", "b") }), "a second value replaces the first");
            Assert.That(container.Ports.Single(), Is.EqualTo(new ContainerPort { Port = 6379, Name = "redis" }));
            Assert.That(container.ReadinessProbe!.TcpSocket!.Port, Is.EqualTo(IntOrString.FromInt(6379)));
            Assert.That(container.ReadinessProbe.PeriodSeconds, Is.EqualTo(2));
        });
    }

    [Test]
    public void WithName_DefaultAppLabel_FollowsTheName()
    {
        var renamed = new PodBuilder("web").WithName("web-2").Build();
        var relabelled = new PodBuilder("web").WithLabel("app", "shop").WithName("web-2").Build();

        Assert.That(renamed.Metadata.Labels["app"], Is.EqualTo("web-2"));
        Assert.That(relabelled.Metadata.Labels["app"], Is.EqualTo("shop"), "a label set on purpose stays");
    }

    [TestCase(0), TestCase(65536)]
    public void WithPort_OutOfRange_Throws(int port) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PodBuilder("web").WithPort(port));

    [Test]
    public void Constructor_EmptyName_Throws() => Assert.Throws<ArgumentException>(() => _ = new PodBuilder(""));

    private static string Json(Pod pod) => System.Text.Json.JsonSerializer.Serialize(pod, KubernetesJson.Options);
}
