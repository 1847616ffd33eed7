using System.Diagnostics;
using Orchestrator.Tests.Hosting;
namespace Orchestrator.Tests.Client;
public sealed class ScratchTests
{
    [Test, CancelAfter(30_000)]
    public async Task Scratch(CancellationToken ct)
    {
        await using var host = await OrchestratorHost.StartAsync(ct: ct);
        var p = Process.GetCurrentProcess();
        for (var i = 0; i < 4; i++)
        {
            var cpu = p.TotalProcessorTime; var sw = Stopwatch.StartNew();
            await Task.Delay(1000, ct);
            p.Refresh();
            TestContext.Out.WriteLine($"DBG cpu {(p.TotalProcessorTime - cpu).TotalMilliseconds / sw.Elapsed.TotalMilliseconds:P0} threads={ThreadPool.ThreadCount} pending={ThreadPool.PendingWorkItemCount}");
        }
    }
}
