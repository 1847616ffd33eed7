using CronBatch;
using Quickstart;
using WorkerPool;

namespace Orchestrator.Testing.Tests.Samples;

/// <summary>The samples run in CI, in their short non-interactive modes, on simulated nodes.</summary>
public sealed class SampleTests
{
    [Test, CancelAfter(120_000)]
    public async Task Quickstart_CiModeOnSimulatedNodes_RunsTheWholeDemoAndExitsZero(CancellationToken ct)
    {
        var output = new StringWriter();

        var exitCode = await QuickstartApp.RunAsync(QuickstartOptions.Parse(["--ci", "--simulated"]), output, ct);

        var text = output.ToString();
        Assert.That(exitCode, Is.EqualTo(0), text);
        Assert.That(text, Does.Contain("3 simulated node(s) Ready"));
        Assert.That(text, Does.Contain("deployment.apps/frontend created"));
        Assert.That(text, Does.Contain("Every pod is Ready."));
        Assert.That(text, Does.Match("Self-healing: frontend-\\S+ was replaced by frontend-\\S+; 3 frontend pods are Ready again"));
        Assert.That(text, Does.Contain("deployment \"frontend\" successfully rolled out"));
        Assert.That(text, Does.Contain("revision 2: v2: new greeting"));
        if (Docker.QuickstartOnDockerTests.ServiceNetworkingRegistered())
        {
            Assert.That(text, Does.Match(@"Service frontend is at http://127\.0\.0\.1:\d+/ on this machine\."));
        }
        Assert.That(text, Does.Contain("Stopped; nothing is left running."));
    }

    [Test, CancelAfter(120_000)]
    public async Task Quickstart_CtrlCAfterTheDemo_StopsCleanlyWithExitCodeZero(CancellationToken ct)
    {
        // Given the interactive quickstart in its own process, done with the demo and waiting for Ctrl+C
        await using var quickstart = QuickstartProcess.Start("--simulated");
        await quickstart.WaitForOutputAsync("Press Ctrl+C to stop and remove everything.", ct);

        // When Ctrl+C is pressed
        quickstart.Interrupt();

        // Then it removes the guestbook, stops the orchestrator and exits with 0
        var exitCode = await quickstart.WaitForExitAsync(ct);
        Assert.That(exitCode, Is.Zero, quickstart.Output);
        Assert.That(quickstart.Output, Does.Contain("Removing the guestbook ...").And.Contain("Stopped; nothing is left running."));
    }

    [Test, CancelAfter(120_000)]
    public async Task Quickstart_NoDockerEngine_SaysSoInOneLineAndRunsOnSimulatedNodes(CancellationToken ct)
    {
        // Given a machine whose Docker endpoint does not answer
        var environment = new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = $"unix://{Path.Combine(Path.GetTempPath(), "no-docker-here.sock")}",
            ["DOCKER_CONTEXT"] = "default",
        };

        // When the quickstart runs in CI mode
        await using var quickstart = QuickstartProcess.Start(environment, "--ci");
        var exitCode = await quickstart.WaitForExitAsync(ct);

        // Then one line says so, and the same manifests run to the end on simulated nodes
        var lines = quickstart.Output.Split('\n');
        Assert.That(exitCode, Is.Zero, quickstart.Output);
        Assert.That(lines.Count(l => l.Contains("Docker engine", StringComparison.Ordinal)), Is.EqualTo(1), quickstart.Output);
        Assert.That(lines[0], Does.StartWith("No Docker engine answered").And.Contain("running the same manifests on 3 simulated nodes"));
        Assert.That(lines[1], Does.StartWith("Orchestrator started: 3 simulated node(s) Ready"), "the explanation is one line");
        Assert.That(quickstart.Output, Does.Contain("3 simulated node(s) Ready").And.Contain("deployment \"frontend\" successfully rolled out"));
    }

    [Test]
    public void Quickstart_UnknownArgument_IsRejectedWithTheUsage()
    {
        var error = Assert.Throws<ArgumentException>(() => QuickstartOptions.Parse(["--fast"]));

        Assert.That(error!.Message, Does.Contain("Usage: Quickstart [--ci] [--simulated]"));
    }

    [Test, CancelAfter(120_000)]
    public async Task WorkerPool_BurstOfWork_ScalesUpAndBackDown(CancellationToken ct)
    {
        var output = new StringWriter();

        var exitCode = await WorkerPoolApp.RunAsync(ci: true, output, ct);

        Assert.That(exitCode, Is.EqualTo(0), output.ToString());
        Assert.That(output.ToString(), Does.Match("the pool grew to [2-8] workers for the burst and shrank back to 1"));
    }

    [Test, CancelAfter(120_000)]
    public async Task CronBatch_ShortSchedule_RunsThreeJobsThatComplete(CancellationToken ct)
    {
        var output = new StringWriter();

        var exitCode = await CronBatchApp.RunAsync(3, output, ct);

        var text = output.ToString();
        Assert.That(exitCode, Is.EqualTo(0), text);
        Assert.That(text, Does.Contain("3 runs completed"));
        Assert.That(text, Does.Contain("| wrote report.csv (1204 rows)"));
    }
}
