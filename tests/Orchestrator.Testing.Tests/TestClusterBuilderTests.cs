namespace Orchestrator.Testing.Tests;

[NonParallelizable] // Changes a process environment variable.
public sealed class TestClusterBuilderTests
{
    [TearDown]
    public void ClearEnvironment()
    {
        Environment.SetEnvironmentVariable(TestClusterBuilder.RuntimeVariable, null);
        Environment.SetEnvironmentVariable(TestClusterBuilder.SandboxImageVariable, null);
    }

    [Test]
    public void Resolve_NoChoiceInCodeOrEnvironment_IsSimulated() =>
        Assert.That(new TestClusterBuilder().Resolve().Docker, Is.False);

    [Test]
    public void Resolve_EnvironmentAsksForDocker_IsDockerWithTheSandboxImage()
    {
        Environment.SetEnvironmentVariable(TestClusterBuilder.RuntimeVariable, "Docker");
        Environment.SetEnvironmentVariable(TestClusterBuilder.SandboxImageVariable, "busybox:1.36");

        var state = new TestClusterBuilder().Resolve();

        Assert.That(state.Docker, Is.True);
        var options = new global::Orchestrator.Docker.Hosting.DockerRuntimeOptions();
        state.ConfigureDocker!(options);
        Assert.That(options.SandboxImage, Is.EqualTo("busybox:1.36"));
        Assert.That(options.SandboxCommand, Is.Not.Empty);
    }

    [Test]
    public void Resolve_CodeChoseSimulated_IgnoresTheEnvironment()
    {
        Environment.SetEnvironmentVariable(TestClusterBuilder.RuntimeVariable, "docker");

        var state = new TestClusterBuilder().WithSimulatedNodes(2).Resolve();

        Assert.That(state.Docker, Is.False);
        Assert.That(state.NodeCount, Is.EqualTo(2));
    }

    [Test]
    public void With_AnyChange_LeavesTheOriginalUnchanged()
    {
        var original = new TestClusterBuilder();

        _ = original.WithDocker().WithOptions(_ => { }).WithServices(_ => { }).WithStartTimeout(TimeSpan.FromSeconds(5));

        var state = original.Resolve();
        Assert.That(state.ConfigureOptions, Is.Empty);
        Assert.That(state.ConfigureServices, Is.Empty);
        Assert.That(state.StartTimeout, Is.EqualTo(TimeSpan.FromMinutes(2)));
    }
}
