using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.NodeAgent;
using Orchestrator.Scheduling;
using Orchestrator.Store;

namespace Orchestrator.Hosting;

/// <summary>
/// The health of an embedded orchestrator, registered by <see cref="OrchestratorServiceCollectionExtensions.AddOrchestrator"/>
/// under <see cref="Name"/>: the store answers, every controller, the scheduler and the node agents run and their
/// informers have synced, and nodes are Ready.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><see cref="HealthStatus.Unhealthy"/>: the store fails, a component has stopped or failed (its exception message
/// is reported), or nodes are registered and none is Ready.</item>
/// <item><see cref="HealthStatus.Degraded"/>: components are still starting or syncing, some nodes are not Ready, or there
/// are no nodes at all (pods cannot run).</item>
/// <item><see cref="HealthStatus.Healthy"/> otherwise.</item>
/// </list>
/// The result's data carries <c>resourceVersion</c>, <c>components</c> (running / total), <c>nodesReady</c> and
/// <c>nodes</c>. Expose it with ASP.NET Core's <c>MapHealthChecks</c>, or call <c>HealthCheckService.CheckHealthAsync</c>.
/// </remarks>
public sealed class OrchestratorHealthCheck : IHealthCheck
{
    /// <summary>The name (and tag) the check is registered under: <c>orchestrator</c>.</summary>
    public const string Name = "orchestrator";

    private static readonly TimeSpan SyncProbe = TimeSpan.FromMilliseconds(50);
    private readonly IServiceProvider _services;

    /// <summary>Creates the check over the services of a host built with <c>AddOrchestrator</c>.</summary>
    public OrchestratorHealthCheck(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
    }

    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var store = _services.GetRequiredService<IObjectStore>();
        IReadOnlyList<Node> nodes;
        try
        {
            nodes = (await store.ListAsync<Node>(cancellationToken: cancellationToken).ConfigureAwait(false)).Items;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"store: {e.Message}", e);
        }

        var failed = new List<string>();
        var starting = new List<string>();
        var components = 0;
        foreach (var (name, task) in BackgroundComponents())
        {
            components++;
            if (task is null) starting.Add($"{name} has not started");
            else if (task.IsFaulted) failed.Add($"{name} failed: {task.Exception!.InnerException?.Message}");
            else if (task.IsCompleted) failed.Add($"{name} has stopped");
        }
        if (_services.GetService<NodeAgentHost>() is { } agents)
        {
            components++;
            if (agents.Ready.IsFaulted) failed.Add($"node agents failed to start: {agents.Ready.Exception!.InnerException?.Message}");
            else if (agents.ExecuteTask is { IsCompleted: true }) failed.Add("node agents have stopped");
            else if (!agents.Ready.IsCompleted) starting.Add("node agents are starting");
        }
        var running = components - failed.Count - starting.Count;
        if (!await InformersSyncedAsync(cancellationToken).ConfigureAwait(false)) starting.Add("informers are syncing");

        var ready = nodes.Count(n => n.IsReady());
        var data = new Dictionary<string, object>
        {
            ["resourceVersion"] = store.CurrentResourceVersion,
            ["components"] = $"{running}/{components}",
            ["nodesReady"] = ready,
            ["nodes"] = nodes.Count,
        };
        var nodeSummary = $"{ready}/{nodes.Count} nodes Ready";
        if (_services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.IsCancellationRequested == true)
        {
            return HealthCheckResult.Unhealthy("the host is stopping", data: data);
        }
        if (failed.Count > 0) return HealthCheckResult.Unhealthy(string.Join("; ", failed.Append(nodeSummary)), data: data);
        if (nodes.Count > 0 && ready == 0 && starting.Count == 0)
        {
            return HealthCheckResult.Unhealthy($"no node is Ready ({nodeSummary}): pods cannot run", data: data);
        }
        if (starting.Count > 0) return HealthCheckResult.Degraded(string.Join("; ", starting.Append(nodeSummary)), data: data);
        if (nodes.Count == 0) return HealthCheckResult.Degraded("no nodes are registered: pods cannot run", data: data);
        if (ready < nodes.Count)
        {
            var notReady = nodes.Where(n => !n.IsReady()).Select(n => n.Metadata.Name).Take(5);
            return HealthCheckResult.Degraded($"{nodeSummary}; not Ready: {string.Join(", ", notReady)}", data: data);
        }
        return HealthCheckResult.Healthy($"{components} components running; {nodeSummary}", data);
    }

    /// <summary>The controllers and the scheduler, with the task their loop runs as (null before they start).</summary>
    private IEnumerable<(string Name, Task? Task)> BackgroundComponents() =>
        _services.GetServices<IHostedService>()
            .OfType<BackgroundService>()
            .Select(s => (s switch
            {
                Controller c => c.Name,
                GarbageCollector => GarbageCollector.Name,
                Scheduler => "scheduler",
                _ => s.GetType().Name,
            }, s.ExecuteTask));

    private async Task<bool> InformersSyncedAsync(CancellationToken cancellationToken)
    {
        if (_services.GetService<SharedInformerFactory>() is not { } informers) return true;
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        probe.CancelAfter(SyncProbe);
        try
        {
            await informers.WaitForCacheSyncAsync(probe.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }
}
