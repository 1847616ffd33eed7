using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Client;
using Orchestrator.Controllers;
using Orchestrator.Hosting;
using Orchestrator.Store;

namespace CronBatch;

/// <summary>
/// Applies <c>batch.yaml</c> (a CronJob that runs a 20-second report every minute) to an orchestrator on simulated nodes
/// whose clock runs 20 times faster, and reports each Job as it completes, with its pod's log.
/// </summary>
public static class CronBatchApp
{
    /// <summary>Simulated seconds per real second: a minute of schedule takes three seconds.</summary>
    public const double Speed = 20;

    /// <summary>Runs until <paramref name="runs"/> Jobs of the CronJob have completed; returns 0 then, 1 on a failed Job or timeout.</summary>
    public static async Task<int> RunAsync(int runs, TextWriter output, CancellationToken cancellationToken)
    {
        var clock = new AcceleratedTimeProvider(Speed);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddOrchestrator().AddSimulatedNodes(2);
        // Heartbeats are 20 times more frequent on this clock; give nodes a wide margin before they count as lost.
        builder.Services.Configure<NodeLifecycleOptions>(o => o.NodeMonitorGracePeriod = TimeSpan.FromMinutes(10));
        using var host = builder.Build();
        var client = host.Services.GetRequiredService<IOrchestratorClient>();

        await host.StartAsync(cancellationToken);
        try
        {
            await client.WaitForNodesAsync(2, TimeSpan.FromMinutes(10), cancellationToken);
            await client.ApplyFileAsync(Path.Combine(AppContext.BaseDirectory, "batch.yaml"), cancellationToken: cancellationToken);
            output.WriteLine($"CronJob report scheduled \"* * * * *\"; the clock runs {Speed}x, so a run starts every {60 / Speed:0.#} s.");

            var finished = new ConcurrentDictionary<string, bool>();
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var reports = new List<Task>();
            using var watch = client.Watch<Job>("default", "").Subscribe(e =>
            {
                if (e.Type == WatchEventType.Deleted || e.Object.FinishedConditionType() is not { } outcome) return;
                if (!finished.TryAdd(e.Object.Metadata.Name!, outcome == JobConditionType.Complete)) return;
                lock (reports) reports.Add(ReportAsync(client, e.Object, clock, output, cancellationToken));
                if (outcome != JobConditionType.Complete) done.TrySetResult(false);
                else if (finished.Count(f => f.Value) >= runs) done.TrySetResult(true);
            });

            // Generous: each run needs a minute of schedule plus 20 s of work, on the fast clock.
            var succeeded = await done.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            Task[] pending;
            lock (reports) pending = [.. reports];
            await Task.WhenAll(pending);
            var cronJob = await client.GetAsync<CronJob>("default", "report", cancellationToken);
            output.WriteLine(succeeded
                ? $"{runs} runs completed; last scheduled at {cronJob?.Status?.LastScheduleTime:HH:mm} (simulated time)."
                : "A run failed; see above.");
            return succeeded ? 0 : 1;
        }
        catch (TimeoutException)
        {
            output.WriteLine("The runs did not complete in time.");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
        finally
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StopAsync(limit.Token);
        }
    }

    /// <summary>Prints a finished Job: how long it ran and the log of its pod.</summary>
    private static async Task ReportAsync(IOrchestratorClient client, Job job, TimeProvider clock, TextWriter output, CancellationToken cancellationToken)
    {
        var pods = await client.ListAsync<Pod>("default", $"job-name={job.Metadata.Name}", cancellationToken);
        var lines = new List<string>();
        foreach (var pod in pods)
        {
            await foreach (var line in client.ReadLogsAsync("default", pod.Metadata.Name!, cancellationToken: cancellationToken)) lines.Add(line);
        }
        var took = job.Status?.CompletionTime - job.Status?.StartTime;
        lock (output)
        {
            output.WriteLine($"Job {job.Metadata.Name} {job.FinishedConditionType()?.ToLowerInvariant()} at {clock.GetUtcNow():HH:mm:ss} (simulated), took {took?.TotalSeconds:0} s:");
            foreach (var line in lines) output.WriteLine($"  | {line}");
        }
    }
}
