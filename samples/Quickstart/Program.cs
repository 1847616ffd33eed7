// The README's first command: `dotnet run --project samples/Quickstart` (add `--ci` for a short, non-interactive run).
using System.Runtime.InteropServices;
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
// `docker stop`, systemd and CI runners send SIGTERM: clean up as for Ctrl+C.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
return await QuickstartApp.RunAsync(options, Console.Out, stop.Token);
