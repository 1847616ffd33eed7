using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Client;
using Orchestrator.Controllers;
using Orchestrator.Networking;
using Orchestrator.NodeAgent;
using Orchestrator.Scheduling;
using Orchestrator.Store;

namespace Orchestrator.Hosting;

/// <summary>Registers a whole embedded orchestrator: store, controllers, scheduler, node agents and client.</summary>
public static class OrchestratorServiceCollectionExtensions
{
    /// <summary>
    /// Registers everything a cluster needs, as singletons and hosted services that start and stop with the host:
    /// <list type="bullet">
    /// <item>the <see cref="InMemoryObjectStore"/> as <see cref="IObjectStore"/>, <see cref="IObjectReader"/> and
    /// <see cref="IObjectWriter"/> (unless an <see cref="IObjectStore"/> is registered already), and
    /// <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is registered;</item>
    /// <item>the shared informers and event recorders;</item>
    /// <item>the scheduler and the controllers: garbage collector, namespace, node lifecycle, ReplicaSet,
    /// ReplicationController, Deployment, StatefulSet, DaemonSet, Job, CronJob, PersistentVolume binder and endpoints;</item>
    /// <item>the node agent host (add nodes with the returned builder: <see cref="OrchestratorBuilder.AddSimulatedNodes"/>,
    /// or <c>AddDockerRuntime</c> from <c>Orchestrator.Docker</c>);</item>
    /// <item>an <see cref="IOrchestratorClient"/> for application code, and the health check
    /// <see cref="OrchestratorHealthCheck"/> (named <see cref="OrchestratorHealthCheck.Name"/>).</item>
    /// </list>
    /// Options bind from the configuration section <c>Orchestrator</c> and are validated when the host starts (see
    /// <see cref="OrchestratorOptions"/>); <paramref name="configure"/> runs after the binding. Call it before registering
    /// nodes and component options of your own. Calling it again only adds <paramref name="configure"/>.
    /// </summary>
    /// <remarks>
    /// Log categories: <c>Orchestrator.Store.*</c>, <c>Orchestrator.Controllers.&lt;controller-name&gt;</c>,
    /// <c>Orchestrator.Controllers.Informer.&lt;Kind&gt;</c>, <c>Orchestrator.Scheduling.Scheduler</c>,
    /// <c>Orchestrator.NodeAgent</c>, <c>Orchestrator.Docker.*</c> and <c>Orchestrator.Client</c>; metrics and traces are
    /// listed in <see cref="OrchestratorDiagnostics"/>. Stopping the host stops every component within its shutdown
    /// timeout; containers keep running (as when a kubelet stops) until their pods are deleted.
    /// </remarks>
    /// <example>
    /// <code>
    /// var builder = Host.CreateApplicationBuilder(args);
    /// builder.Services.AddOrchestrator(o => o.Client = o.Client with { DefaultTimeout = TimeSpan.FromMinutes(1) })
    ///     .AddSimulatedNodes(3);
    /// using var host = builder.Build();
    /// await host.StartAsync();
    /// var client = host.Services.GetRequiredService&lt;IOrchestratorClient&gt;();
    /// await client.ApplyFileAsync("app.yaml");
    /// await client.WaitForReadyAsync&lt;Deployment&gt;("default", "web");
    /// </code>
    /// </example>
    public static OrchestratorBuilder AddOrchestrator(this IServiceCollection services, Action<OrchestratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(OrchestratorMarker)))
        {
            services.AddSingleton<OrchestratorMarker>();
            AddCore(services);
        }
        if (configure is not null) services.Configure(configure);
        return new OrchestratorBuilder(services);
    }

    private static void AddCore(IServiceCollection services)
    {
        // Configuration is bound first, so that delegates registered later (ours and the caller's) override it.
        Bind<OrchestratorOptions>(services, OrchestratorOptions.SectionName);
        Bind<SchedulerOptions>(services, $"{OrchestratorOptions.SectionName}:Scheduler");
        Bind<GarbageCollectorOptions>(services, $"{OrchestratorOptions.SectionName}:GarbageCollector");
        Bind<NodeLifecycleOptions>(services, $"{OrchestratorOptions.SectionName}:NodeLifecycle");
        Bind<NamespaceControllerOptions>(services, $"{OrchestratorOptions.SectionName}:Namespaces");
        Bind<JobControllerOptions>(services, $"{OrchestratorOptions.SectionName}:Jobs");
        Bind<PersistentVolumeBinderOptions>(services, $"{OrchestratorOptions.SectionName}:Volumes");
        services.AddOptions<OrchestratorOptions>().ValidateOnStart();
        services.AddOptions<SchedulerOptions>().ValidateOnStart();
        services.AddOptions<GarbageCollectorOptions>().ValidateOnStart();
        services.AddOptions<NodeLifecycleOptions>().ValidateOnStart();
        services.AddOptions<NamespaceControllerOptions>().ValidateOnStart();
        services.AddOptions<JobControllerOptions>().ValidateOnStart();
        services.AddOptions<PersistentVolumeBinderOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OrchestratorOptions>, OrchestratorOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SchedulerOptions>, SchedulerOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GarbageCollectorOptions>, GarbageCollectorOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NodeLifecycleOptions>, NodeLifecycleOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NamespaceControllerOptions>, NamespaceControllerOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobControllerOptions>, JobControllerOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PersistentVolumeBinderOptions>, PersistentVolumeBinderOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new InMemoryObjectStore(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<OrchestratorOptions>>().Value.Store,
            sp.GetService<ILogger<InMemoryObjectStore>>()));
        services.TryAddSingleton<IObjectStore>(sp => sp.GetRequiredService<InMemoryObjectStore>());
        // The read and write sides are the registered store, whatever it is.
        services.TryAddSingleton<IObjectReader>(sp => sp.GetRequiredService<IObjectStore>());
        services.TryAddSingleton<IObjectWriter>(sp => sp.GetRequiredService<IObjectStore>());
        // Node agents read their options as a singleton; registered before AddNodeAgents, whose TryAdd then keeps ours.
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<OrchestratorOptions>>().Value.NodeAgent);

        // Registration order is start order (and the reverse of stop order): informers stop last, node agents first.
        services.AddSharedInformers();
        services.AddEventRecorders();
        services.AddNodeAgents();
        services.AddScheduler();
        services.AddGarbageCollector();
        services.AddNamespaceController();
        services.AddNodeLifecycleController();
        services.AddReplicaSetController();
        services.AddReplicationControllerController();
        services.AddDeploymentController();
        services.AddStatefulSetController();
        services.AddDaemonSetController();
        services.AddJobController();
        services.AddCronJobController();
        services.AddPersistentVolumeBinder();
        services.AddServiceNetworking();
        services.AddEndpointsController();

        services.TryAddSingleton<IOrchestratorClient>(sp => new OrchestratorClient(
            sp.GetRequiredService<IObjectStore>(),
            new ServiceProviderNodeRuntimes(sp),
            sp.GetRequiredService<IOptions<OrchestratorOptions>>().Value.Client,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.AddHealthChecks().AddCheck<OrchestratorHealthCheck>(OrchestratorHealthCheck.Name, tags: [OrchestratorHealthCheck.Name]);
    }

    private static void Bind<TOptions>(IServiceCollection services, string section) where TOptions : class =>
        services.AddSingleton<IConfigureOptions<TOptions>>(sp => new ConfigurationBinding<TOptions>(sp.GetService<IConfiguration>(), section));

    /// <summary>Marks the orchestrator as registered, so a second call adds only its delegate.</summary>
    private sealed class OrchestratorMarker;
}
