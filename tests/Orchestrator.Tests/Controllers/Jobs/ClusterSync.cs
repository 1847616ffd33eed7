using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Tests.Testing;

namespace Orchestrator.Tests.Controllers.Jobs;

/// <summary>Ways for fake-clock tests to let the cluster catch up with the present before moving the clock.</summary>
internal static class ClusterSync
{
    /// <summary>The work queue of the controller named <paramref name="controller"/>.</summary>
    public static WorkQueue<ObjectKey> QueueOf(this TestCluster cluster, string controller) =>
        cluster.Host.Services.GetServices<IHostedService>().OfType<Controller>().Single(c => c.Name == controller).Queue;

    /// <summary>
    /// Waits until <paramref name="controller"/> has no pending key and at least <paramref name="scheduled"/> keys waiting for
    /// a time: the requeue it computed from the present is registered, so advancing the clock now cannot skip it.
    /// </summary>
    public static Task UntilScheduledAsync(this TestCluster cluster, string controller, int scheduled, CancellationToken ct)
    {
        var queue = cluster.QueueOf(controller);
        return cluster.UntilAsync(() => queue.Length == 0 && queue.WaitingCount >= scheduled, $"{controller} has {scheduled} reconcile(s) scheduled", ct);
    }

    /// <summary>
    /// Polls <paramref name="condition"/>; while it does not hold, moves the fake clock on by <paramref name="step"/> every
    /// 100 ms of real time, so that retries on timers (a node agent waiting for a claim to be bound) happen. For tests whose
    /// assertions do not depend on the clock.
    /// </summary>
    public static async Task UntilTickingAsync(this TestCluster cluster, Func<bool> condition, string because, TimeSpan step, CancellationToken ct)
    {
        var clock = cluster.FakeTime ?? throw new InvalidOperationException("The cluster does not run on a fake clock.");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TestCluster.DefaultTimeout);
        var sinceTick = Stopwatch.StartNew();
        while (!condition())
        {
            if (limit.IsCancellationRequested) Assert.Fail($"Timed out waiting until {because}.");
            if (sinceTick.Elapsed > TimeSpan.FromMilliseconds(100))
            {
                clock.Advance(step);
                sinceTick.Restart();
            }
            await Task.Delay(5, CancellationToken.None);
        }
    }
}
