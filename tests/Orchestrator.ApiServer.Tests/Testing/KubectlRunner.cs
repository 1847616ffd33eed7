using System.Diagnostics;

namespace Orchestrator.ApiServer.Tests.Testing;

/// <summary>Runs the installed kubectl against a kubeconfig, as a child process with a bounded timeout.</summary>
internal sealed class KubectlRunner(string kubeconfig)
{
    public const string DefaultPath = "/usr/bin/kubectl";

    public static string? Find()
    {
        if (File.Exists(DefaultPath)) return DefaultPath;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "kubectl");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Skips the test when kubectl is missing, except under CI=true where that is a failure.</summary>
    public static string Require()
    {
        var path = Find();
        if (path is not null) return path;
        if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail("kubectl is not installed; it is required under CI=true.");
        Assert.Ignore("kubectl is not installed.");
        return "";
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public static ProcessStartInfo StartInfo(string kubeconfig, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(Require())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(kubeconfig);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // A private cache directory, so that discovery is never served from another run's cache.
        info.Environment["KUBECACHEDIR"] = Path.Combine(Path.GetTempPath(), "orchestrator-kubectl-cache-" + Guid.NewGuid().ToString("N"));
        info.Environment["HOME"] = Path.GetTempPath();
        return info;
    }

    public async Task<Result> RunAsync(params string[] args) => await RunWithInputAsync(null, args);

    public async Task<Result> RunWithInputAsync(string? stdin, params string[] args)
    {
        using var process = Process.Start(StartInfo(kubeconfig, args))!;
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"kubectl {string.Join(' ', args)} did not finish within 60 s");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs kubectl and asserts that it succeeded; returns its stdout.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.That(result.ExitCode, Is.Zero, $"kubectl {string.Join(' ', args)} failed: {result}");
        return result.Stdout;
    }
}
