using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>Registers the node lifecycle controller.</summary>
public static class NodeLifecycleServiceCollectionExtensions
{
    /// <summary>
    /// Registers the node lifecycle controller (a <see cref="ControllerBuilder"/> controller named
    /// <c>node-lifecycle-controller</c>): it marks the conditions of nodes whose agents stopped posting heartbeats
    /// <c>Unknown</c>, taints not-ready and unreachable nodes (<c>node.kubernetes.io/not-ready</c>,
    /// <c>node.kubernetes.io/unreachable</c>, <c>NoSchedule</c> and <c>NoExecute</c>), removes those taints when the node is
    /// Ready again, and evicts pods from <c>NoExecute</c>-tainted nodes when their tolerations run out, so that their
    /// controllers recreate them elsewhere. All timing follows the registered <see cref="TimeProvider"/>. Calling it again
    /// only adds <paramref name="configure"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddNodeLifecycleController(options => options.NodeMonitorGracePeriod = TimeSpan.FromSeconds(20));
    /// </code>
    /// </example>
    public static IServiceCollection AddNodeLifecycleController(this IServiceCollection services, Action<NodeLifecycleOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<NodeLifecycleOptions>();
        if (configure is not null) options.Configure(configure);
        if (services.Any(d => d.ServiceType == typeof(NodeLifecycleMarker))) return services;
        services.AddSingleton<NodeLifecycleMarker>();

        services.AddController(ControllerBuilder.For<Node>(NodeLifecycleReconciler.Name)
            .Watches<Pod>(static sp =>
            {
                // A pod bound to a node that may evict it (new, or its tolerations changed) needs that node looked at.
                var nodes = sp.GetRequiredService<SharedInformerFactory>().GetLister<Node>();
                return pod => pod.Spec.NodeName is { Length: > 0 } name && nodes.Get(null, name) is { } node && NeedsWatching(node)
                    ? [new ObjectKey("", name)]
                    : [];
            })
            .WithReconciler(sp => new NodeLifecycleReconciler(
                sp.GetRequiredService<IObjectStore>(),
                sp.GetRequiredService<SharedInformerFactory>(),
                sp.GetRequiredService<IEventRecorderFactory>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<IOptions<NodeLifecycleOptions>>().Value,
                (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger($"Orchestrator.Controllers.{NodeLifecycleReconciler.Name}")))
            .WithWorkers(2));
        return services;
    }

    private static bool NeedsWatching(Node node) =>
        !node.IsReady() || node.Spec.Taints.Any(t => t.Effect == TaintEffect.NoExecute);

    /// <summary>Marks the controller as registered, so a second call does not add a second one.</summary>
    private sealed class NodeLifecycleMarker;
}
