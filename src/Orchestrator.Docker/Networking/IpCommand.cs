using System.ComponentModel;
using System.Diagnostics;
using Orchestrator.Networking;

namespace Orchestrator.Docker.Networking;

/// <summary>
/// Runs the iproute2 <c>ip</c> command with a bounded wait, in the C locale (its error messages are matched). The
/// command line is a seam: tests prefix it (for example with <c>setpriv</c> to run without privileges).
/// </summary>
internal sealed class IpCommand
{
    /// <summary>The longest one <c>ip</c> invocation may take before it is killed; it normally takes milliseconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly string _fileName;
    private readonly IReadOnlyList<string> _prefix;
    private readonly TimeSpan _timeout;

    /// <param name="command">The executable and leading arguments; <c>["ip"]</c> when null.</param>
    /// <param name="timeout">How long one invocation may take; <see cref="DefaultTimeout"/> when null.</param>
    public IpCommand(IReadOnlyList<string>? command = null, TimeSpan? timeout = null)
    {
        command ??= ["ip"];
        if (command.Count == 0) throw new ArgumentException("The command needs an executable.", nameof(command));
        _fileName = command[0];
        _prefix = [.. command.Skip(1)];
        _timeout = timeout ?? DefaultTimeout;
    }

    /// <summary>Runs <c>ip &lt;arguments&gt;</c> and returns its exit code and output; never throws for a non-zero exit.</summary>
    /// <exception cref="NetworkException">The command could not be started or did not finish within the timeout.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (the process is killed).</exception>
    public async Task<IpResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in _prefix.Concat(arguments)) start.ArgumentList.Add(argument);
        start.Environment["LC_ALL"] = "C";
        start.Environment["LANG"] = "C";

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new NetworkException(
                $"Service virtual addresses need the iproute2 `ip` command, which could not be run ({e.Message}); " +
                "install iproute2 (for example `apt-get install iproute2`).", e);
        }
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return new IpResult(process.ExitCode, await stdout.ConfigureAwait(false), (await stderr.ConfigureAwait(false)).Trim());
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }
            cancellationToken.ThrowIfCancellationRequested();
            throw new NetworkException($"`{string.Join(' ', start.ArgumentList)}` did not finish within {_timeout.TotalSeconds:0} s.");
        }
    }

    public override string ToString() => string.Join(' ', _prefix.Prepend(_fileName));
}

/// <summary>What one <c>ip</c> invocation returned.</summary>
/// <param name="ExitCode">0 on success.</param>
/// <param name="Output">Standard output.</param>
/// <param name="Error">Standard error, trimmed (for example <c>RTNETLINK answers: File exists</c>).</param>
internal readonly record struct IpResult(int ExitCode, string Output, string Error);
