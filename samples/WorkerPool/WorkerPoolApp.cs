using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Client;
using Orchestrator.Hosting;

namespace WorkerPool;

/// <summary>
/// Runs a worker pool: the orchestrator (on simulated nodes) keeps the <c>workers</c> Deployment at the size the
/// <see cref="QueueScaler"/> asks for; every Ready worker pod takes items from the queue. A burst of work scales the pool
/// up, the drained queue scales it back down.
/// </summary>
public static class WorkerPoolApp
{
    public const string Namespace = "default";

    private const string Workers = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: workers}
        spec:
          replicas: 1
          selector: {matchLabels: {app: worker}}
          template:
            metadata:
              labels: {app: worker}
              annotations:
                sim.orchestrator.io/start-delay: 300ms   # a worker takes a moment to start
            spec:
              containers:
              - name: worker
                image: example.com/worker:1.0
                resources: {requests: {cpu: 250m, memory: 64Mi}}
        """;

    /// <summary>Runs the demo; returns 0 once the pool has scaled up for the burst and back down after it.</summary>
    public static async Task<int> RunAsync(bool ci, TextWriter output, CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("WorkerPool", LogLevel.Information));
        builder.Services.AddOrchestrator().AddSimulatedNodes(3);
        builder.Services.AddSingleton<WorkQueue>();
        builder.Services.AddSingleton<QueueScaler>();
        using var host = builder.Build();
        var client = host.Services.GetRequiredService<IOrchestratorClient>();
        var queue = host.Services.GetRequiredService<WorkQueue>();
        var scaler = host.Services.GetRequiredService<QueueScaler>();
        var time = host.Services.GetRequiredService<TimeProvider>();

        await host.StartAsync(cancellationToken);
        try
        {
            await client.WaitForNodesAsync(3, TimeSpan.FromSeconds(30), cancellationToken);
            await client.ApplyAsync(Workers, cancellationToken: cancellationToken);
            await client.WaitForReadyAsync<Deployment>(Namespace, "workers", TimeSpan.FromSeconds(30), cancellationToken);
            await scaler.StartAsync(cancellationToken);

            output.WriteLine("A burst of 150 work items arrives.");
            queue.Enqueue(150);
            var peak = 0;
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(250), time);
            var deadline = time.GetTimestamp();
            while (await tick.WaitForNextTickAsync(cancellationToken))
            {
                // Each Ready worker pod processes two items per tick.
                var ready = (await client.GetAsync<Deployment>(Namespace, "workers", cancellationToken))?.Status?.ReadyReplicas ?? 0;
                peak = Math.Max(peak, ready);
                queue.Dequeue(ready * 2);
                output.WriteLine($"queue {queue.Length,4} | workers ready {ready} | desired {QueueScaler.DesiredWorkers(queue.Length)}");
                if (queue.Length == 0 && ready == QueueScaler.MinWorkers && peak > QueueScaler.MinWorkers) break;
                if (time.GetElapsedTime(deadline) > TimeSpan.FromSeconds(ci ? 60 : 300))
                {
                    output.WriteLine("The pool did not scale up and back down in time.");
                    return 1;
                }
            }
            output.WriteLine($"Done: the pool grew to {peak} workers for the burst and shrank back to {QueueScaler.MinWorkers}; scaling history {string.Join(" -> ", scaler.History)}.");
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
        finally
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await scaler.StopAsync(limit.Token);
            await host.StopAsync(limit.Token);
        }
    }
}
