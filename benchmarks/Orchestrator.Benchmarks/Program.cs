using BenchmarkDotNet.Running;
using Orchestrator.Benchmarks.Deployments;
using Orchestrator.Benchmarks.NodeAgent;
using Orchestrator.Benchmarks.Store;

namespace Orchestrator.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project benchmarks/Orchestrator.Benchmarks -- &lt;scenario&gt; [options]</c>.
/// A scenario prints progress to stderr and ends stdout with one JSON line of results. With no argument, or
/// <c>micro</c>, BenchmarkDotNet's switcher runs the micro-benchmarks (the remaining arguments go to it).
/// </summary>
internal static class Program
{
    /// <summary>The scenarios by name; add one line per scenario.</summary>
    private static readonly Dictionary<string, Func<string[], Task<int>>> Scenarios = new(StringComparer.OrdinalIgnoreCase)
    {
        ["store"] = StoreScenario.RunAsync,
        ["kubelet"] = KubeletBenchmark.RunAsync,
        ["docker"] = Docker.DockerScenario.RunAsync,
        ["deployment"] = DeploymentScenario.RunAsync,
        ["scheduler"] = Scheduling.SchedulerScenario.RunAsync,
        ["apiserver"] = ApiServer.ApiServerScenario.RunAsync,
        ["service"] = Services.ServiceScenario.RunAsync,
        ["service-proxy"] = Networking.ProxyMicroScenario.RunAsync,
    };

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] == "micro")
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Length == 0 ? args : args[1..]);
            return 0;
        }
        if (Scenarios.TryGetValue(args[0], out var run)) return await run(args[1..]);
        await Console.Error.WriteLineAsync($"Unknown scenario '{args[0]}'. Scenarios: micro, {string.Join(", ", Scenarios.Keys)}.");
        return 2;
    }
}
