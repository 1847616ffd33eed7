// An application that embeds orchestration: a pool of worker pods whose size follows the length of an in-process queue.
// `dotnet run --project samples/WorkerPool` (add `--ci` for a short run that exits 0 once the pool scaled up and down).
using WorkerPool;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
return await WorkerPoolApp.RunAsync(args.Contains("--ci"), Console.Out, stop.Token);
