// A CronJob-driven batch on simulated nodes: `dotnet run --project samples/CronBatch` (add `--ci` to stop after three runs).
using CronBatch;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
return await CronBatchApp.RunAsync(args.Contains("--ci") ? 3 : 5, Console.Out, stop.Token);
