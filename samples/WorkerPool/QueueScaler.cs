using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Client;

namespace WorkerPool;

/// <summary>
/// Scales the <c>workers</c> Deployment by the queue length through the client API: one worker per
/// <see cref="ItemsPerWorker"/> waiting items, between <see cref="MinWorkers"/> and <see cref="MaxWorkers"/> — the core of
/// what a KEDA queue scaler does, in a dozen lines.
/// </summary>
public sealed partial class QueueScaler(IOrchestratorClient client, WorkQueue queue, TimeProvider time, ILogger<QueueScaler> logger) : BackgroundService
{
    public const int ItemsPerWorker = 20;
    public const int MinWorkers = 1;
    public const int MaxWorkers = 8;

    /// <summary>The replica counts the scaler has set, in order.</summary>
    public IReadOnlyList<int> History => [.. _history];

    private readonly List<int> _history = [];

    /// <summary>The replicas wanted for <paramref name="length"/> waiting items.</summary>
    public static int DesiredWorkers(long length) =>
        (int)Math.Clamp((length + ItemsPerWorker - 1) / ItemsPerWorker, MinWorkers, MaxWorkers);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(500), time);
        var current = -1;
        do
        {
            var desired = DesiredWorkers(queue.Length);
            if (desired == current) continue;
            await client.ScaleAsync<Deployment>(WorkerPoolApp.Namespace, "workers", desired, stoppingToken);
            lock (_history) _history.Add(desired);
            Scaled(logger, queue.Length, desired);
            current = desired;
        }
        while (await tick.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue length {Length}: scaled the workers to {Replicas}")]
    private static partial void Scaled(ILogger logger, long length, int replicas);
}
