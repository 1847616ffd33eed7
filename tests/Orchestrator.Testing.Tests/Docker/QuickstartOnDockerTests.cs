using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Hosting;
using Orchestrator.Networking;
using Orchestrator.Testing.Tests.Samples;
using Quickstart;

namespace Orchestrator.Testing.Tests.Docker;

/// <summary>
/// The quickstart on a real Docker engine (the README's first command): the short CI mode end to end, and Ctrl+C in
/// the middle of the demo. Either way nothing of it is left on the engine.
/// </summary>
[NonParallelizable]
public sealed class QuickstartOnDockerTests
{
    private const string ClusterId = "quickstart";

    [Test, CancelAfter(240_000)]
    public async Task Quickstart_CiModeOnDocker_RunsTheDemoAndLeavesNoContainers(CancellationToken ct)
    {
        await EnsureDockerAsync(ct);
        var output = new StringWriter();

        var exitCode = await QuickstartApp.RunAsync(QuickstartOptions.Parse(["--ci"]), output, ct);

        var text = output.ToString();
        Assert.That(exitCode, Is.EqualTo(0), text);
        Assert.That(text, Does.Match(@"Orchestrator started: \d+ Docker node\(s\) Ready"));
        Assert.That(text, Does.Contain("Every pod is Ready."));
        Assert.That(text, Does.Match("Self-healing: frontend-\\S+ was replaced by frontend-\\S+; 3 frontend pods are Ready again"));
        Assert.That(text, Does.Contain("deployment \"frontend\" successfully rolled out"));
        if (ServiceNetworkingRegistered())
        {
            // The frontend Service forwards from a loopback port on this machine to a Ready frontend container.
            Assert.That(text, Does.Match(@"GET http://127\.0\.0\.1:\d+/ -> <h1>Hello from the guestbook \(v1\)</h1>"));
        }
        Assert.That(text, Does.Contain("Stopped; nothing is left running."));
        Assert.That(await DockerTestCluster.CountContainersAsync(ClusterId, ct), Is.Zero);
    }

    [Test, CancelAfter(240_000)]
    public async Task Quickstart_CtrlCWhileRunningOnDocker_RemovesEveryContainer(CancellationToken ct)
    {
        // Given the quickstart running in its own process on Docker, with the guestbook's containers up
        await EnsureDockerAsync(ct);
        await using var quickstart = QuickstartProcess.Start("--ci");
        await quickstart.WaitForOutputAsync("Every pod is Ready.", ct);
        Assert.That(quickstart.Output, Does.Contain("Docker node(s) Ready"));
        Assert.That(await DockerTestCluster.CountContainersAsync(ClusterId, ct), Is.GreaterThanOrEqualTo(6), "the guestbook's pods run");

        // When Ctrl+C is pressed in the middle of the demo
        quickstart.Interrupt();
        var exitCode = await quickstart.WaitForExitAsync(ct);

        // Then it stops, removes the guestbook and leaves no container of its cluster behind
        Assert.That(exitCode, Is.EqualTo(130).Or.EqualTo(0), quickstart.Output);
        Assert.That(quickstart.Output, Does.Contain("Stopped; nothing is left running."));
        Assert.That(await DockerTestCluster.CountContainersAsync(ClusterId, ct), Is.Zero, quickstart.Output);
    }

    /// <summary>Ignores the test without Docker or the test image (fails it under <c>CI=true</c>).</summary>
    private static async Task EnsureDockerAsync(CancellationToken ct) => await (await DockerTestCluster.StartAsync(ct)).DisposeAsync();

    /// <summary>Whether <c>AddOrchestrator</c> registers the Service data plane (it lands separately from the quickstart).</summary>
    internal static bool ServiceNetworkingRegistered() =>
        new ServiceCollection().AddOrchestrator().Services.Any(d => d.ServiceType == typeof(IServiceAddresses));
}
