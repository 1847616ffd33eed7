using Orchestrator.Client;
using Orchestrator.NodeAgent;
using Orchestrator.Store;

namespace Orchestrator.Hosting;

/// <summary>
/// Settings of an embedded orchestrator registered with
/// <see cref="OrchestratorServiceCollectionExtensions.AddOrchestrator"/>: the object store, the node agents and the client.
/// </summary>
/// <remarks>
/// <para>Bound from the configuration section <see cref="SectionName"/> (<c>appsettings.json</c>, environment variables
/// such as <c>Orchestrator__NodeAgent__HeartbeatInterval</c>, ...) when the host has an <c>IConfiguration</c>; the
/// delegate given to <c>AddOrchestrator</c> runs after the binding, so code has the last word. Values are validated when
/// the host starts: an invalid value fails <c>StartAsync</c> with an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>
/// naming the configuration key and the reason.</para>
/// <para>The other components bind their own options from sub-sections of the same section:
/// <c>Orchestrator:Scheduler</c> (<see cref="Scheduling.SchedulerOptions"/>), <c>Orchestrator:GarbageCollector</c>
/// (<see cref="Controllers.GarbageCollectorOptions"/>), <c>Orchestrator:NodeLifecycle</c>
/// (<see cref="Controllers.NodeLifecycleOptions"/>), <c>Orchestrator:Namespaces</c>
/// (<see cref="Controllers.NamespaceControllerOptions"/>), <c>Orchestrator:Jobs</c> (<see cref="Controllers.JobControllerOptions"/>)
/// and <c>Orchestrator:Volumes</c> (<see cref="Controllers.PersistentVolumeBinderOptions"/>); change them in code with <c>services.Configure&lt;T&gt;(...)</c>.</para>
/// </remarks>
/// <example>
/// <code>
/// {
///   "Orchestrator": {
///     "Store": { "WatchHistorySize": 20000 },
///     "NodeAgent": { "HeartbeatInterval": "00:00:05", "BackOffBase": "00:00:01" },
///     "NodeLifecycle": { "NodeMonitorGracePeriod": "00:00:20" },
///     "Client": { "DefaultTimeout": "00:01:00", "DiagnosticLogLines": 20 }
///   }
/// }
/// </code>
/// </example>
public sealed class OrchestratorOptions
{
    /// <summary>The configuration section the options bind from: <c>Orchestrator</c>.</summary>
    public const string SectionName = "Orchestrator";

    /// <summary>The in-memory object store: watch history and buffer sizes, bookmark interval (section <c>Store</c>).</summary>
    public InMemoryObjectStoreOptions Store { get; set; } = new();

    /// <summary>
    /// Every node agent of the process: heartbeat, restart back-off, resync, workers (section <c>NodeAgent</c>). Applies to
    /// the node agents only when <c>AddOrchestrator</c> is called before any node is registered.
    /// </summary>
    public NodeAgentOptions NodeAgent { get; set; } = new();

    /// <summary>The <see cref="IOrchestratorClient"/>: default wait timeout and diagnostics (section <c>Client</c>).</summary>
    public OrchestratorClientOptions Client { get; set; } = new();

    /// <summary>The Service data plane: Service proxy, NodePorts and cluster DNS (section <c>Services</c>).</summary>
    public Networking.ServiceNetworkingOptions Services { get; set; } = new();
}
