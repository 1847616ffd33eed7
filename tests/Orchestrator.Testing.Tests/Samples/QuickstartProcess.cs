using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Orchestrator.Testing.Tests.Samples;

/// <summary>
/// The quickstart as a user runs it: its own process (<c>dotnet Quickstart.dll</c>, copied beside the tests), output
/// captured line by line, stopped with a real SIGINT as Ctrl+C sends it.
/// </summary>
internal sealed class QuickstartProcess : IAsyncDisposable
{
    private const int SigInt = 2;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _awaited = [];

    private QuickstartProcess(Process process) => _process = process;

    /// <summary>Everything the process wrote so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public static QuickstartProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts the quickstart with <paramref name="args"/> and extra environment variables.</summary>
    public static QuickstartProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Quickstart.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var quickstart = new QuickstartProcess(process);
        process.OutputDataReceived += (_, e) => quickstart.Append(e.Data);
        process.ErrorDataReceived += (_, e) => quickstart.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return quickstart;
    }

    /// <summary>Completes when a line containing <paramref name="text"/> has been written; fails if the process exits first.</summary>
    public async Task WaitForOutputAsync(string text, CancellationToken ct)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal)) return;
            _awaited.Add((text, seen));
        }
        var exited = _process.WaitForExitAsync(ct);
        if (await Task.WhenAny(seen.Task, exited) != seen.Task)
        {
            await exited;
            if (!seen.Task.IsCompleted) Assert.Fail($"The quickstart exited ({_process.ExitCode}) before writing \"{text}\":\n{Output}");
        }
    }

    /// <summary>Sends SIGINT, what Ctrl+C in a terminal sends.</summary>
    public void Interrupt() => Assert.That(Kill(_process.Id, SigInt), Is.Zero, "kill(SIGINT)");

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken ct)
    {
        await _process.WaitForExitAsync(ct);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // A test that failed half-way: give the process the same chance to clean up as a user would, then end it.
            Kill(_process.Id, SigInt);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.AppendLine(line);
            foreach (var awaited in _awaited.Where(a => line.Contains(a.Text, StringComparison.Ordinal)).ToList())
            {
                awaited.Seen.TrySetResult();
                _awaited.Remove(awaited);
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
