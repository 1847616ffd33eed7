// The README's first command: `dotnet run --project samples/Quickstart` (add `--ci` for a short, non-interactive run).
using Quickstart;

QuickstartOptions options;
try
{
    options = QuickstartOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C stops the demo and cleans up; a second one ends the process at once.
    if (stop.IsCancellationRequested) return;
    e.Cancel = true;
    stop.Cancel();
};
return await QuickstartApp.RunAsync(options, Console.Out, stop.Token);
