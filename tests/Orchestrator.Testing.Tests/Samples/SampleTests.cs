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
        Assert.That(text, Does.Contain("Stopped; nothing is left running."));
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
